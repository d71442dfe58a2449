import { dirname, join } from 'node:path';
import { Diagnostic, ExitCode, sortDiagnostics, UserError } from '../errors';
import { diagnosticAt, parseYamlSource, readTextFile, YamlSource } from '../yaml-source';
import { Resolver, unresolvedDiagnostics } from '../resolver/resolver';
import { buildInventories, checkFixtures, FixtureSet, readFixtureFiles } from './fixtures';
import { compileSchema, schemaDiagnostics } from './schema';
import catalogSchema from './services.schema.json';
import type { ServiceCatalog } from './types';
import { checkCatalogSemantics } from './validate';

export const DEFAULT_SERVICES_FILE = 'services.yaml';

const validateCatalogShape = compileSchema(catalogSchema);

export interface LoadedCatalog {
  readonly catalog: ServiceCatalog;
  readonly source: YamlSource;
}

export interface Project extends LoadedCatalog {
  readonly fixtures: FixtureSet;
  readonly resolver: Resolver;
}

export interface ProjectPaths {
  /** @default "services.yaml" */
  readonly servicesFile?: string;
  /** @default the `fixtures/` folder beside the services file */
  readonly fixturesDir?: string;
}

export function defaultFixturesDir(servicesFile: string): string {
  return join(dirname(servicesFile), 'fixtures');
}

/** Parses and validates the catalog alone (schema, then semantics). Throws one UserError with every problem. */
export function loadCatalog(servicesFile: string = DEFAULT_SERVICES_FILE): LoadedCatalog {
  const text = readTextFile(servicesFile, 'services file', '--services FILE');
  return loadCatalogText(servicesFile, text);
}

export function loadCatalogText(file: string, text: string): LoadedCatalog {
  const source = parseYamlSource(file, text);
  const shape = schemaDiagnostics(validateCatalogShape, source);
  if (shape.length > 0) throw new UserError(sortDiagnostics(shape));
  const catalog = source.value as ServiceCatalog;
  const semantic = checkCatalogSemantics(catalog, source);
  if (semantic.length > 0) throw new UserError(sortDiagnostics(semantic));
  return { catalog, source };
}

/**
 * Everything `validate` checks: the catalog, the fixtures against it, and that every required key
 * of every environment resolves. Returns diagnostics rather than throwing, so callers can print
 * them all at once.
 */
export function validateProject(paths: ProjectPaths = {}): { project?: Project; diagnostics: Diagnostic[] } {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  let loaded: LoadedCatalog;
  try {
    loaded = loadCatalog(servicesFile);
  } catch (err) {
    if (err instanceof UserError && err.exitCode === ExitCode.failed) return { diagnostics: [...err.diagnostics] };
    throw err;
  }
  const fixturesDir = paths.fixturesDir ?? defaultFixturesDir(servicesFile);
  const diagnostics: Diagnostic[] = [];
  let files;
  try {
    files = readFixtureFiles(fixturesDir);
  } catch (err) {
    if (err instanceof UserError && err.exitCode === ExitCode.failed) return { diagnostics: [...err.diagnostics] };
    throw err;
  }
  diagnostics.push(...checkFixtures(loaded.catalog, files));
  const inventories = buildInventories(loaded.catalog, files);
  const resolver = new Resolver({ catalog: loaded.catalog, inventories });
  for (const env of loaded.catalog.spec.environments) {
    diagnostics.push(
      ...unresolvedDiagnostics(resolver.resolveEnvironment(env.name)).map((d) => diagnosticAt(loaded.source, d.pointer!, d.message, d.hint)),
    );
  }
  const project: Project = { ...loaded, fixtures: { dir: fixturesDir, files, inventories }, resolver };
  return { project, diagnostics: sortDiagnostics(diagnostics) };
}

/** Loads a project that must be valid; throws one UserError listing every problem otherwise. */
export function loadProject(paths: ProjectPaths = {}): Project {
  const { project, diagnostics } = validateProject(paths);
  if (diagnostics.length > 0 || !project) throw new UserError(diagnostics);
  return project;
}
