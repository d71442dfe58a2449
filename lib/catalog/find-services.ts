import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `DEFAULT_SERVICES_FILE` of ./load, not imported from there: loading it compiles the catalog schema. */
const DEFAULT_SERVICES_FILE = 'services.yaml';

/**
 * The services file a command uses when `--services` is not given: `services.yaml` in the working
 * directory or the nearest folder above it, up to the root of the git repository (the folder
 * holding `.git`, found upward as git finds it). A command run in a subfolder of the repository
 * then reads the repository's catalog. Outside a git repository only the working directory is
 * looked at: a `services.yaml` in some folder above belongs to nobody's project. Undefined when
 * there is none.
 */
export function findServicesFile(cwd: string): string | undefined {
  const start = resolve(cwd);
  const here = join(start, DEFAULT_SERVICES_FILE);
  if (isFile(here)) return here;
  const top = gitRoot(start);
  if (!top) return undefined;
  for (let dir = start; dir !== top; ) {
    dir = dirname(dir);
    const candidate = join(dir, DEFAULT_SERVICES_FILE);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a file in worktrees). */
function gitRoot(dir: string): string | undefined {
  for (let d = dir; ; ) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
