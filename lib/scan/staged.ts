import { isAbsolute, relative, resolve, sep } from 'node:path';
import { gitTop, realFolder } from './sources';

/**
 * What `scan --staged` reads of its command line, run from any folder of the repository.
 */
export interface StagedInput {
  readonly cwd: string;
  readonly paths: readonly string[];
  readonly config?: string;
  readonly services?: string;
  readonly fixtures?: string;
}

/** A staged scan's input as seen from the repository's top. */
export interface StagedScope extends StagedInput {
  /** The repository's top folder: the scan's working directory. */
  readonly cwd: string;
  /** Where `services.yaml` is looked for upward when `--services` is not given: the folder the scan was run from. */
  readonly searchFrom: string;
}

/**
 * A staged scan runs at the repository's top, whatever folder it is started from. The commit is
 * the same from every folder, and so is `git diff --cached` (without PATH it lists every staged
 * change; its paths are relative to the top). Run from a subfolder, the scan used to take only
 * the staged files below it and to see the rest of the index as `..`: scanned roots outside the
 * working directory, so `dist/` and the catalog's inputs never counted as scanned and the
 * cross-file rules compared nothing. Now it scans, configures and reports exactly as at the top
 * (the pre-commit framework also runs hooks there): findings name files relative to the top,
 * `secretops.config.yaml` of the top applies, and the catalog is still the one found upward from
 * where the scan was started (as every command finds it). PATH arguments are taken relative to the
 * folder they were typed in and passed on relative to the top (`.` in a subfolder is that subfolder,
 * as in `git diff --cached -- .`); flags naming files are made absolute.
 */
export function stagedScope(input: StagedInput): StagedScope {
  const top = gitTop(input.cwd);
  const here = resolve(input.cwd);
  const fromTop = (p: string) => {
    if (isAbsolute(p)) return p;
    const rel = relative(top, realFolder(resolve(here, p)));
    return rel === '' ? '.' : rel.split(sep).join('/');
  };
  const abs = (p: string) => resolve(here, p);
  return {
    cwd: top,
    searchFrom: here,
    paths: input.paths.map(fromTop),
    ...(input.config !== undefined ? { config: fromTop(input.config) } : {}),
    ...(input.services !== undefined ? { services: abs(input.services) } : {}),
    ...(input.fixtures !== undefined ? { fixtures: abs(input.fixtures) } : {}),
  };
}
