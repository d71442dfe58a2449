import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Project } from '../project/load';
import { findServicesFile } from '../catalog/find-services';
import { isUserError } from '../errors';
import { unstagedChanges } from './sources';

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
   * A `--staged` scan: `cwd` is the repository's top, and the loader notes when the catalog, its
   * fixtures or the default dist/ beside it differ from their staged versions.
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
 * A staged scan judges the commit's manifests against the working tree's catalog and dist/ listing
 * (they are read from disk). Where those differ from the index (unstaged edits, untracked
 * fixtures; the pre-commit framework stashes unstaged changes itself, a plain git hook does not),
 * a dist-drift or fixture-drift finding may concern the working tree rather than the commit: said
 * once, with the paths, so a blocked commit can be told from a broken one.
 */
function noteUnstaged(top: string, servicesFile: string, fixturesDir: string, notes: string[]): void {
  const changed = unstagedChanges(top, [servicesFile, resolve(top, fixturesDir), join(dirname(servicesFile), 'dist')]);
  if (changed.length === 0) return;
  const named = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ` and ${changed.length - 3} more` : '');
  notes.push(
    `${named}: not as staged (unstaged or untracked changes); --staged reads the catalog, its fixtures and the dist/ listing from the working tree, so dist-drift and fixture-drift may judge the working tree rather than the commit: stage them, or stash the rest (git stash --keep-index --include-untracked) and scan again`,
  );
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
    if (input.staged) noteUnstaged(input.cwd, servicesFile, input.fixtures ?? join(dirname(servicesFile), 'fixtures'), notes);
    const { validateProject } = await import('../project/load.js');
    const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}; run \`secretops validate\``;
    try {
      // validateProject, not loadProject: a catalog whose fixtures have problems (a production
      // inventory holding a value) must still reach fixture-drift, which reports them as findings.
      const { project: loaded, diagnostics } = validateProject({ servicesFile, ...(input.fixtures ? { fixturesDir: input.fixtures } : {}) });
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
