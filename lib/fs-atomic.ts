import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the written file. @default 0o644 less the umask */
  readonly mode?: number;
  /** Mode of folders created on the way. @default 0o777 less the umask */
  readonly dirMode?: number;
}

/**
 * Writes through a fresh temporary file beside the target and a rename, so a reader never sees half a
 * file and a crash leaves the old one. The temporary file is created exclusively and removed on failure.
 */
export function writeFileAtomic(file: string, text: string, opts: AtomicWriteOptions = {}): void {
  mkdirSync(dirname(file), { recursive: true, ...(opts.dirMode !== undefined ? { mode: opts.dirMode } : {}) });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx', ...(opts.mode !== undefined ? { mode: opts.mode } : {}) });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
