import { readFileSync } from 'node:fs';
import { ExitCode, UserError } from './errors';

/**
 * Reads a file; an unreadable file is a usage error (exit 2) that names the path and, when the
 * user chose the path with a flag, that flag (e.g. `--services FILE`).
 */
export function readTextFile(file: string, what = 'file', flag?: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new UserError({ file, message: `${what} ${reason}`, hint: flag ? `check the path, or pass another with ${flag}` : 'check the path' }, ExitCode.usage);
  }
}
