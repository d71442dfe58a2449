import { createHmac, randomBytes } from 'node:crypto';
import { ExitCode, UserError } from '../errors';
import { checkSeedLength, MIN_SEED_LENGTH } from '../seed';

/** How a sync gets the value it writes. */
export type ValuePolicy = 'deterministic' | 'random' | 'provided';
export const VALUE_POLICIES: readonly ValuePolicy[] = ['deterministic', 'random', 'provided'];

/**
 * What a deterministic value is derived from: the target, never the destination, so GitHub and
 * Kubernetes get the same value for the same key. Changing any field changes the value.
 */
export interface ValueSubject {
  readonly project: string;
  readonly repository: string;
  /** The canonical environment (`ai`, not an alias or a slot). */
  readonly environment: string;
  readonly secret: string;
  /** The key name as written (the override key where one applies). */
  readonly key: string;
}

/** Bytes of key material in generated values: 256 bits. */
const VALUE_BYTES = 32;
/** Version tag inside the HMAC input, so a future encoding change cannot collide with this one. */
const DERIVATION = 'secretops/sync/v1';

/** The seed comes from the environment only (never a flag or a file in the repository). */
export function seedFrom(env: NodeJS.ProcessEnv): string {
  const seed = env.SECRETOPS_SEED;
  if (!seed) {
    throw new UserError(
      {
        message: 'the deterministic policy needs a seed, and SECRETOPS_SEED is not set',
        hint: `export SECRETOPS_SEED from your secret store (at least ${MIN_SEED_LENGTH} characters), or use --policy random|provided`,
      },
      ExitCode.usage,
    );
  }
  checkSeedLength(seed, 'for deterministic values');
  return seed;
}

/** The stable, unambiguous text a deterministic value is derived from (JSON array: no separator games). */
export function subjectText(s: ValueSubject): string {
  return JSON.stringify([DERIVATION, s.project, s.repository, s.environment, s.secret, s.key]);
}

/**
 * HMAC-SHA256(seed, subject), base64url without padding: 43 characters that fit an environment
 * variable, a GitHub secret, a Kubernetes Secret key, a URL and an env file without quoting.
 */
export function deterministicValue(seed: string, subject: ValueSubject): string {
  return createHmac('sha256', seed).update(subjectText(subject)).digest('base64url');
}

/** 256 bits from the operating system's CSPRNG, encoded like deterministic values. */
export function randomValue(): string {
  return randomBytes(VALUE_BYTES).toString('base64url');
}

/**
 * A keyed fingerprint of a value for the ledger: proves "same value as last time" without keeping
 * the value. Keyed, so a ledger file cannot be used to test guesses without the key; the key
 * (hex) is derived for one purpose (state.ts: fingerprintKey for the ledger, approvalKey for
 * approval requests), so the same value has unrelated digests in the two places.
 */
export function fingerprint(key: string, value: string): string {
  // A non-hex key would silently become an empty or short HMAC key: an unkeyed digest.
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('fingerprint: the key must be 32 bytes as hex (a purpose key), not a seed');
  return createHmac('sha256', Buffer.from(key, 'hex')).update(value).digest('hex');
}

/** Reads a provided value from a named environment variable or from stdin (never from argv). */
export async function readProvidedValue(opts: { fromEnv?: string; env: NodeJS.ProcessEnv; stdin: NodeJS.ReadableStream & { isTTY?: boolean } }): Promise<string> {
  if (opts.fromEnv) {
    const v = opts.env[opts.fromEnv];
    if (v === undefined || v === '') throw new UserError({ message: `--value-from-env names ${opts.fromEnv}, which is not set or empty` }, ExitCode.usage);
    return v;
  }
  if (opts.stdin.isTTY) {
    throw new UserError({ message: 'the provided policy reads the value from stdin, which is a terminal', hint: 'pipe the value in (`… | secretops sync …`) or use --value-from-env NAME' }, ExitCode.usage);
  }
  const chunks: Buffer[] = [];
  for await (const c of opts.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  // One trailing newline is how shells end a piped value; it is not part of it.
  const v = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (v === '') throw new UserError({ message: 'the provided policy read an empty value from stdin' }, ExitCode.usage);
  return v;
}
