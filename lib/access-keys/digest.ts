import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { checkSeedLength } from '../seed';

/**
 * Stored verifier of a key: HMAC-SHA256 under a key derived from the seed.
 *
 * Why HMAC and not a password KDF (scrypt, argon2): the secret part carries 256 random bits, so a
 * slow hash buys nothing against guessing, while it would make every authorised request cost tens
 * of milliseconds of CPU (a denial-of-service lever on the bypass route). Keying the hash with the
 * seed means a copy of the store alone cannot even test a guess. The HMAC key is derived from the
 * seed with a fixed label, so the same seed can serve other purposes (fixture generation) without
 * one use ever producing another's values.
 */
export const DIGEST_ALGORITHM = 'hmac-sha256-v1';
export const DIGEST_BYTES = 32;
const DERIVATION_LABEL = 'secretops/access-keys/v1';
/** Inputs beyond this are malformed anyway; bounding them keeps hashing time flat. */
const MAX_INPUT = 256;
/** The one seed length rule (lib/seed.ts), re-exported for callers of this module. */
export { MIN_SEED_LENGTH } from '../seed';

export type DigestKey = Buffer & { readonly __digestKey: unique symbol };

export function digestKeyFromSeed(seed: string | Buffer): DigestKey {
  const raw = typeof seed === 'string' ? Buffer.from(seed, 'utf8') : seed;
  checkSeedLength(raw, 'to hash access keys');
  return createHmac('sha256', raw).update(DERIVATION_LABEL).digest() as DigestKey;
}

export function digestOf(key: DigestKey, plaintext: string): Buffer {
  return createHmac('sha256', key).update(plaintext.slice(0, MAX_INPUT), 'utf8').digest();
}

/** Compared against when there is no stored digest, so every lookup does the same work. */
const NO_DIGEST = randomBytes(DIGEST_BYTES);

/**
 * Constant-time equality of a computed digest with a stored hex digest. Both sides are always
 * DIGEST_BYTES long: a missing or damaged stored digest is replaced by a random one, so the
 * comparison runs (and fails) in the same time.
 */
export function digestMatches(computed: Buffer, storedHex: string | undefined): boolean {
  const stored = storedHex !== undefined && /^[0-9a-f]{64}$/.test(storedHex) ? Buffer.from(storedHex, 'hex') : NO_DIGEST;
  const equal = timingSafeEqual(computed, stored);
  return equal && stored !== NO_DIGEST;
}
