import { hkdfSync } from 'node:crypto';
import { ExitCode, UserError } from './errors';

/**
 * `SECRETOPS_SEED` is the one root secret of a deployment: sync derives deterministic values and
 * its ledger and approval keys from it, access keys derive their digest key from it. One length
 * rule for every use, so a seed that works for one command never turns out too short for another:
 * 32 characters, the size of a 256-bit key written as text (shorter is a placeholder, not a secret).
 */
export const MIN_SEED_LENGTH = 32;

/** Throws the one "seed too short" error; `purpose` says what the seed is for (`to hash access keys`). */
export function checkSeedLength(seed: string | Buffer, purpose: string): void {
  const length = seed.length;
  if (length < MIN_SEED_LENGTH) {
    throw new UserError(
      {
        message: `SECRETOPS_SEED is too short (${length} characters) ${purpose}; it must have at least ${MIN_SEED_LENGTH}`,
        hint: `export SECRETOPS_SEED from your secret store: ${MIN_SEED_LENGTH} characters or more of high-entropy material, the same wherever it is used`,
      },
      ExitCode.usage,
    );
  }
}

/**
 * A key for one purpose, derived from a root secret with HKDF-SHA256 (RFC 5869) and `label` as
 * its info: keys of different labels are independent, so a ledger fingerprint can never be used
 * as (or to test) a deterministic value, an approval digest or anything else made from the seed.
 */
export function purposeKey(root: string | Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', typeof root === 'string' ? Buffer.from(root, 'utf8') : root, Buffer.alloc(0), label, 32));
}
