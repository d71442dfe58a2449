import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors';
import { writeFileAtomic as writeAtomic } from '../fs-atomic';
import { checkSeedLength, purposeKey } from '../seed';

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

/**
 * A state file (ledger entry, pending approval) as JSON, or undefined when it does not exist. A file
 * that cannot be read or parsed is a UserError naming it, with `remedy` saying what to do.
 */
export function readJsonFile<T>(file: string, what = 'state file', remedy = 'remove it and run again'): T | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError({ file, message: `${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, hint: remedy }, ExitCode.usage);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object');
    return parsed as T;
  } catch {
    throw new UserError({ file, message: `${what} is not valid JSON (damaged or truncated)`, hint: remedy }, ExitCode.usage);
  }
}

/** A file-system-safe name for a target id: readable, and unique because `%` escapes the rest. */
export function fileNameFor(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** HKDF labels of the keys sync derives from its root secret (lib/seed.ts: purposeKey). */
export const LEDGER_KEY_LABEL = 'secretops/sync/ledger-fingerprint/v2';
export const APPROVAL_KEY_LABEL = 'secretops/sync/approval-digest/v1';

/**
 * The root the sync's keyed digests are derived from: SECRETOPS_SEED when set (and long enough:
 * the one seed rule); otherwise a random key kept (0600) in the state directory, so `random` and
 * `provided` work without a seed. Never used as a key itself.
 */
function rootSecret(env: NodeJS.ProcessEnv, dir: string): string {
  if (env.SECRETOPS_SEED) {
    checkSeedLength(env.SECRETOPS_SEED, 'for the sync ledger');
    return `seed:${env.SECRETOPS_SEED}`;
  }
  const file = join(dir, 'ledger', '.fingerprint-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  writeFileAtomic(file, key + '\n');
  return key;
}

/** The key ledger fingerprints are made with (hex), purpose-bound: it serves nothing else. */
export function fingerprintKey(env: NodeJS.ProcessEnv, dir: string): string {
  return purposeKey(rootSecret(env, dir), LEDGER_KEY_LABEL).toString('hex');
}

/** The key approval requests bind the written values with (hex), purpose-bound like the ledger's. */
export function approvalKey(env: NodeJS.ProcessEnv, dir: string): string {
  return purposeKey(rootSecret(env, dir), APPROVAL_KEY_LABEL).toString('hex');
}
