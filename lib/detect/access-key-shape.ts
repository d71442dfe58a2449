/**
 * The shape of an access key, `sok_<id>_<secret>`, at the foundation: what recognises one in any
 * text (the input quoting in quote-input.ts, the audit guard, scanners) must not depend on the
 * access-key module above it. Generating, parsing and storing keys stay in lib/access-keys/.
 *   - `sok_` ("secretops key") makes a leaked key recognisable to scanners;
 *   - `<id>`: 16 lower-case hex characters (64 random bits), the public identifier used to find the
 *     stored record and to name its Secret; it appears in audit records and `status` output;
 *   - `<secret>`: 43 base64url characters, 256 random bits; never stored, never logged.
 * Fixed lengths make the format unambiguous although base64url may itself contain `_`.
 */
export const ACCESS_KEY_PREFIX = 'sok_';
export const ACCESS_KEY_ID_BYTES = 8;
export const ACCESS_KEY_SECRET_BYTES = 32;
export const ACCESS_KEY_ID_LENGTH = ACCESS_KEY_ID_BYTES * 2;
export const ACCESS_KEY_SECRET_LENGTH = Math.ceil((ACCESS_KEY_SECRET_BYTES * 4) / 3);
export const ACCESS_KEY_LENGTH = ACCESS_KEY_PREFIX.length + ACCESS_KEY_ID_LENGTH + 1 + ACCESS_KEY_SECRET_LENGTH;

/**
 * Finds access keys in any text (for scanners and the audit redaction guard). Not anchored; the
 * look-arounds keep it from matching inside a longer token.
 */
export const ACCESS_KEY_PATTERN = new RegExp(
  `(?<![A-Za-z0-9_-])${ACCESS_KEY_PREFIX}[0-9a-f]{${ACCESS_KEY_ID_LENGTH}}_[A-Za-z0-9_-]{${ACCESS_KEY_SECRET_LENGTH}}(?![A-Za-z0-9_-])`,
  'g',
);
