import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic as writeAtomic } from '../fs-atomic';

/**
 * Where the sync keeps local state: the ledger, pending approvals and (by default) the audit log.
 * `SECRETOPS_STATE_DIR`, else `.secretops/` in the working directory (gitignored).
 */
export function stateDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const dir = env.SECRETOPS_STATE_DIR;
  if (dir) return isAbsolute(dir) ? dir : resolve(cwd, dir);
  return join(cwd, '.secretops');
}

/** Writes a file atomically (temp file + rename) with owner-only permissions. */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  writeAtomic(file, text, { mode, dirMode: 0o700 });
}

export function readJsonFile<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A file-system-safe name for a target id: readable, and unique because `%` escapes the rest. */
export function fileNameFor(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The key ledger fingerprints are made with: derived from SECRETOPS_SEED when set; otherwise a
 * random key kept (0600) in the state directory, so `random` and `provided` work without a seed.
 */
export function fingerprintKey(env: NodeJS.ProcessEnv, dir: string): string {
  if (env.SECRETOPS_SEED) return `seed:${env.SECRETOPS_SEED}`;
  const file = join(dir, 'ledger', '.fingerprint-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  writeFileAtomic(file, key + '\n');
  return key;
}
