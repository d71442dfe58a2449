import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Project } from '../project/load';
import { findServicesFile } from '../catalog/find-services';
import { isUserError } from '../errors';
import type { ProjectFiles } from '../catalog/files';
import { indexFiles, inRepository, unstagedChanges } from './sources';

/** Where a scan's catalog is: the CLI's `--services` and `--fixtures`. */
export interface CatalogInput {
  readonly cwd: string;
  /**
   * Explicit `--services`. Without it `services.yaml` of the working directory or the nearest
   * folder above it in the git repository is used when present (`findServicesFile`).
   */
  readonly services?: string;
  readonly fixtures?: string;
  /**
   * Where `services.yaml` is looked for upward when `services` is not given (`scan --staged` runs
   * at the repository's top but finds the catalog from the folder it was started in).
   * @default cwd
   */
  readonly searchFrom?: string;
  /**
   * A `--staged` scan: `cwd` is the repository's top, and the catalog, its fixtures and the dist/
   * beside it are read from the index where the working tree differs from it.
   * @default false
   */
  readonly staged?: boolean;
}

/** The catalog a scan reads, located (not loaded): the same in the main thread and in workers. */
export interface CatalogLocation {
  /** Absolute, or as given with `--services`. */
  readonly servicesFile: string;
  /** How messages name the services file (as typed, or relative to the working directory). */
  readonly shown: string;
  /**
   * The services file and fixtures folder relative to the working directory
   * (`RuleContext.catalogInputs`). Undefined when there is no services file.
   */
  readonly catalogInputs?: readonly string[];
}

export function locateCatalog(input: CatalogInput): CatalogLocation {
  const found = input.services === undefined ? findServicesFile(input.searchFrom ?? input.cwd) : undefined;
  const servicesFile = input.services ?? found ?? resolve(input.cwd, 'services.yaml');
  const shown = input.services ?? (found ? slashed(relative(input.cwd, found)) : 'services.yaml');
  if (!existsSync(servicesFile)) return { servicesFile, shown };
  const fixtures = slashed(relative(input.cwd, resolve(input.cwd, input.fixtures ?? join(dirname(servicesFile), 'fixtures'))));
  // Relative to the working directory, as scanned paths are (an absolute --services too).
  const services = isAbsolute(servicesFile) ? slashed(relative(input.cwd, servicesFile)) : shown;
  return { servicesFile, shown, catalogInputs: [services, fixtures] };
}

/**
 * Where a staged scan reads the catalog from: the index when the services file, its fixtures or the
 * dist/ beside it differ from their staged versions (unstaged edits, untracked fixtures: the
 * pre-commit framework stashes unstaged changes before its hooks, a plain git hook, husky or
 * lefthook do not), so the cross-file rules judge the commit, not the working tree. When they
 * agree, the disk (the same bytes, without reading blobs).
 */
function stagedCatalogFiles(top: string, servicesFile: string, fixtures: string | undefined): ProjectFiles | undefined {
  const fixturesDir = resolve(top, fixtures ?? join(dirname(servicesFile), 'fixtures'));
  // Paths outside the repository (an explicit --services or --fixtures elsewhere) are read from disk.
  const inside = [servicesFile, fixturesDir, join(dirname(servicesFile), 'dist')].filter((p) => inRepository(top, p));
  return inside.length > 0 && unstagedChanges(top, inside).length > 0 ? indexFiles(top) : undefined;
}

function slashed(p: string): string {
  return p.split(sep).join('/');
}

/**
 * The catalog loader of a scan: `--services` (or the services file found upward), loaded on
 * first use; what is wrong with it goes to `notes`. Workers build the same loader from the same input.
 */
export function catalogLoader(input: CatalogInput, notes: string[]): () => Promise<Project | undefined> {
  const { servicesFile, shown } = locateCatalog(input);
  return async (): Promise<Project | undefined> => {
    if (!existsSync(servicesFile)) return undefined;
    const files = input.staged ? stagedCatalogFiles(input.cwd, servicesFile, input.fixtures) : undefined;
    // A services file the commit does not have: the commit has no catalog.
    if (files && !files.read(servicesFile)) return undefined;
    const { validateProject } = await import('../project/load.js');
    const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}; run \`secretops validate\``;
    try {
      // validateProject, not loadProject: a catalog whose fixtures have problems (a production
      // inventory holding a value) must still reach fixture-drift, which reports them as findings.
      const { project: loaded, diagnostics } = validateProject({ servicesFile, ...(input.fixtures ? { fixturesDir: input.fixtures } : {}), ...(files ? { files } : {}) });
      if (!loaded) {
        notes.push(`${shown}: not a valid catalog (${problems(diagnostics.length)}): catalog-aware rules ran without it`);
        return undefined;
      }
      if (diagnostics.length > 0) notes.push(`${shown}: the catalog or its fixtures have ${problems(diagnostics.length)}`);
      return loaded;
    } catch (err) {
      if (!isUserError(err)) throw err;
      notes.push(`${shown}: not a valid catalog (${problems(err.diagnostics.length)}): catalog-aware rules ran without it`);
      return undefined;
    }
  };
}
