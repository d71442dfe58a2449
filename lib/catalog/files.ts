import { ExitCode, UserError } from '../errors';

/**
 * Where a project's files are read from when it is not the working tree: `scan --staged` reads the
 * catalog, its fixtures and `dist/` from the git index (`indexFiles` in lib/scan/sources.ts), so
 * a staged scan judges the commit's catalog, not unstaged edits beside it. Without one, the
 * loaders read the disk as they always have.
 */
export interface ProjectFiles {
  /** The bytes of the regular file at `path`; undefined when there is none. */
  read(path: string): Buffer | undefined;
  /** The regular files below the folder `dir`, relative to it with `/`, in code-point order. */
  list(dir: string): string[];
}

/** A file's text from `files`; a missing one is a usage error, as a missing file on disk is. */
export function readFrom(files: ProjectFiles, file: string, what: string): string {
  const bytes = files.read(file);
  if (!bytes) throw new UserError({ file, message: `${what} is not in the index`, hint: 'stage it (git add), or scan without --staged' }, ExitCode.usage);
  return bytes.toString('utf8');
}
