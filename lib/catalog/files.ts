import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors';

/**
 * Where a project's files are read from when it is not the working tree: `scan --staged` reads the
 * catalog, its fixtures and `dist/` from the git index (`indexFiles` in lib/scan/sources.ts), so
 * a staged scan judges the commit's catalog, not unstaged edits beside it. Without one, the
 * loaders read the disk as they always have (with their own messages for unreadable files).
 */
export interface ProjectFiles {
  /** The bytes of the regular file at `path`; undefined when there is none. */
  read(path: string): Buffer | undefined;
  /** The regular files below the folder `dir`, relative to it with `/`, sorted (none when it is not a folder). */
  list(dir: string): string[];
}

/** A file's text from `files`; a missing one is a usage error, as a missing file on disk is. */
export function readFrom(files: ProjectFiles, file: string, what: string): string {
  const bytes = files.read(file);
  if (!bytes) throw new UserError({ file, message: `${what} is not in the index`, hint: 'stage it (git add), or scan without --staged' }, ExitCode.usage);
  return bytes.toString('utf8');
}

/** The working tree as `ProjectFiles`: what dist-drift reads when the catalog came from disk. */
export const DISK_FILES: ProjectFiles = {
  read(path) {
    try {
      return statSync(path).isFile() ? readFileSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  list(dir) {
    return existsSync(dir) && statSync(dir).isDirectory() ? diskListing(dir) : [];
  },
};

/** Regular files below `dir`, relative with `/`, each folder's names in sorted order; symlinks are not followed. */
function diskListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const st = lstatSync(join(abs, name));
      const r = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) walk(join(abs, name), r);
      else if (st.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out;
}
