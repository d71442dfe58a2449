import { randomBytes } from 'node:crypto';

/**
 * The access-key format: `sok_<id>_<secret>`.
 *   - `sok_` ("secretops key") makes a leaked key recognisable to scanners;
 *   - `<id>`: 16 lower-case hex characters (64 random bits), the public identifier used to find the
 *     stored record and to name its Secret; it appears in audit records and `status` output;
 *   - `<secret>`: 43 base64url characters, 256 random bits; never stored, never logged.
 * Fixed lengths make the format unambiguous although base64url may itself contain `_`.
 */
export const ACCESS_KEY_PREFIX = 'sok_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
export const ACCESS_KEY_ID_LENGTH = ID_BYTES * 2;
const SECRET_LENGTH = Math.ceil((SECRET_BYTES * 4) / 3);
export const ACCESS_KEY_LENGTH = ACCESS_KEY_PREFIX.length + ACCESS_KEY_ID_LENGTH + 1 + SECRET_LENGTH;

/**
 * Finds access keys in any text (for scanners and the audit redaction guard). Not anchored; the
 * look-arounds keep it from matching inside a longer token.
 */
export const ACCESS_KEY_PATTERN = new RegExp(
  `(?<![A-Za-z0-9_-])${ACCESS_KEY_PREFIX}[0-9a-f]{${ACCESS_KEY_ID_LENGTH}}_[A-Za-z0-9_-]{${SECRET_LENGTH}}(?![A-Za-z0-9_-])`,
  'g',
);

const EXACT = new RegExp(`^${ACCESS_KEY_PREFIX}([0-9a-f]{${ACCESS_KEY_ID_LENGTH}})_[A-Za-z0-9_-]{${SECRET_LENGTH}}$`);
const ID = new RegExp(`^[0-9a-f]{${ACCESS_KEY_ID_LENGTH}}$`);

export interface NewAccessKey {
  readonly id: string;
  /** The plaintext key: hand it out once, then forget it. */
  readonly plaintext: string;
}

export function generateAccessKey(): NewAccessKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, plaintext: `${ACCESS_KEY_PREFIX}${id}_${secret}` };
}

/** The id of a well-formed key, or undefined. Only the shape is checked, never the secret part. */
export function accessKeyId(plaintext: string): string | undefined {
  return EXACT.exec(plaintext)?.[1];
}

export function isAccessKeyId(text: string): boolean {
  return ID.test(text);
}
