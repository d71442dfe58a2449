import { Diagnostic, ExitCode, sortDiagnostics, UserError } from '../errors';
import { diagnosticAt } from '../yaml-source';
import { DEFAULT_SERVICES_FILE, defaultFixturesDir, LoadedCatalog, loadCatalog, ProjectPaths } from '../catalog/load';
import { buildInventories, checkFixtures, FixtureSet, readFixtureFiles } from '../catalog/fixtures';
import { canonicalEnvironment } from '../catalog/layout';
import type { ProjectFiles } from '../catalog/files';
import type { ServiceSpec } from '../catalog/types';
import { Resolver, unresolvedDiagnostics } from '../resolver/resolver';
import { quoteInput } from '../quote-input';

export type { ProjectPaths } from '../catalog/load';

/**
 * The one project loader: the catalog, its fixtures and the resolver over them. It sits above
 * `catalog/` and `resolver/` so neither needs the other's loader. Three strictnesses, one reading:
 * `openProject` (catalog and fixtures valid; unresolved keys allowed: `resolve` shows them, `fixtures
 * scaffold` adds them), `validateProject` (every problem as diagnostics) and `loadProject` (everything
 * valid and resolving, or one UserError).
 */
export interface Project extends LoadedCatalog {
  readonly fixtures: FixtureSet;
  readonly resolver: Resolver;
  /** Where it was read from when not the disk (`scan --staged`: the index); `dist/` is read from there too. */
  readonly files?: ProjectFiles;
}

interface ProjectReading {
  readonly project: Project;
  /** Fixture files that disagree with the catalog; the inventories are built regardless. */
  readonly fixtureProblems: readonly Diagnostic[];
}

function readProject(paths: ProjectPaths): ProjectReading {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  const loaded = loadCatalog(servicesFile, paths.files);
  const dir = paths.fixturesDir ?? defaultFixturesDir(servicesFile);
  const files = readFixtureFiles(dir, paths.files);
  const inventories = buildInventories(loaded.catalog, files);
  const resolver = new Resolver({ catalog: loaded.catalog, inventories });
  const project: Project = { ...loaded, fixtures: { dir, files, inventories }, resolver, ...(paths.files ? { files: paths.files } : {}) };
  return { project, fixtureProblems: checkFixtures(loaded.catalog, files) };
}

/** Catalog and fixtures must be valid; keys that resolve nowhere are allowed. Throws one UserError otherwise. */
export function openProject(paths: ProjectPaths = {}): Project {
  const { project, fixtureProblems } = readProject(paths);
  if (fixtureProblems.length > 0) throw new UserError([...fixtureProblems]);
  return project;
}

/**
 * Everything `validate` checks: the catalog, the fixtures against it, and that every required key
 * of every environment resolves. Returns diagnostics rather than throwing, so callers can print
 * them all at once.
 */
export function validateProject(paths: ProjectPaths = {}): { project?: Project; diagnostics: Diagnostic[] } {
  let reading: ProjectReading;
  try {
    reading = readProject(paths);
  } catch (err) {
    if (err instanceof UserError && err.exitCode === ExitCode.failed) return { diagnostics: [...err.diagnostics] };
    throw err;
  }
  const { project } = reading;
  const diagnostics: Diagnostic[] = [...reading.fixtureProblems];
  for (const env of project.catalog.spec.environments) {
    diagnostics.push(
      ...unresolvedDiagnostics(project.resolver.resolveEnvironment(env.name)).map((d) => diagnosticAt(project.source, d.pointer!, d.message, d.hint)),
    );
  }
  return { project, diagnostics: sortDiagnostics(diagnostics) };
}

/** Loads a project that must be valid; throws one UserError listing every problem otherwise. */
export function loadProject(paths: ProjectPaths = {}): Project {
  const { project, diagnostics } = validateProject(paths);
  if (diagnostics.length > 0 || !project) throw new UserError(diagnostics);
  return project;
}

/** The environment (or alias) and service a command names; an unknown one is bad usage (exit 2). */
export function selectEnvironment(project: Project, environment: string, service?: string): NonNullable<ReturnType<typeof canonicalEnvironment>> {
  const { catalog } = project;
  const canonical = canonicalEnvironment(catalog, environment);
  if (!canonical) {
    const known = [...catalog.spec.environments.map((e) => e.name), ...Object.keys(catalog.spec.secretResolution?.environmentAliases ?? {})];
    throw new UserError({ file: project.source.file, message: `unknown environment ${quoteInput(environment)}`, hint: `use one of: ${known.join(', ')}` }, ExitCode.usage);
  }
  if (service !== undefined) selectService(project, service);
  return canonical;
}

/** The service a command names; an unknown one is bad usage (exit 2). */
export function selectService(project: Project, service: string): ServiceSpec {
  const { catalog } = project;
  const found = catalog.spec.services.find((s) => s.name === service);
  if (!found) throw new UserError({ file: project.source.file, message: `unknown service ${quoteInput(service)}`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` }, ExitCode.usage);
  return found;
}
