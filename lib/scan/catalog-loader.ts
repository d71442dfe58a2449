import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Project } from '../project/load';
import { isUserError } from '../errors';

/** Where a scan's catalog is: the CLI's `--services` and `--fixtures`. */
export interface CatalogInput {
  readonly cwd: string;
  /** Explicit `--services`. Without it `./services.yaml` is used when present. */
  readonly services?: string;
  readonly fixtures?: string;
}

/**
 * The catalog loader of a scan: `--services` (or ./services.yaml when present), loaded on first use;
 * what is wrong with it goes to `notes`. Workers build the same loader from the same input.
 */
export function catalogLoader(input: CatalogInput, notes: string[]): () => Promise<Project | undefined> {
  const servicesFile = input.services ?? resolve(input.cwd, 'services.yaml');
  return async (): Promise<Project | undefined> => {
    if (!existsSync(servicesFile)) return undefined;
    const { validateProject } = await import('../project/load.js');
    const shown = input.services ?? 'services.yaml';
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
