/**
 * PEM blocks: a private key with a body is secret material; certificates and public keys are not,
 * and a header around a placeholder (`<your-private-key>`, `...`) is documentation, not a key.
 */

/** Header of any private key block: PKCS#1/#8, EC, DSA, OpenSSH, encrypted, PGP. */
export const PRIVATE_KEY_HEADER = /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/g;

const PUBLIC_HEADER = /-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK|OPENSSH PUBLIC KEY|SSH2 PUBLIC KEY)-----/;

/** An OpenSSH public key line (`ssh-ed25519 AAAA... comment`). */
const SSH_PUBLIC_KEY = /^\s*(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/=]+(\s.*)?$/s;

/** A body line of real key material: a long run of the base64 alphabet. */
const KEY_BODY = /[A-Za-z0-9+/]{40,}/;
/** Header lines that can precede the body of an encrypted PKCS#1 key. */
const BODY_PREFIX = /^(\s|\\n|Proc-Type:[^\n\\]*|DEK-Info:[^\n\\]*)*/;

export interface PemPrivateKey {
  /** Offset of `-----BEGIN` within the text. */
  readonly index: number;
  /** Length of the header line. */
  readonly length: number;
}

/**
 * Private key blocks that carry a body. The text may be a raw file (real newlines) or a YAML
 * double-quoted scalar as written in the file (`\n` escapes), so both separators are accepted.
 */
export function findPrivateKeys(text: string): PemPrivateKey[] {
  if (!text.includes('PRIVATE KEY')) return [];
  const out: PemPrivateKey[] = [];
  PRIVATE_KEY_HEADER.lastIndex = 0;
  for (let m = PRIVATE_KEY_HEADER.exec(text); m; m = PRIVATE_KEY_HEADER.exec(text)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
    const body = after.replace(BODY_PREFIX, '');
    // The first body line decides: block-scalar indentation and `\n` escapes are separators.
    const firstLine = body.split(/\n|\\n/, 1)[0]!.trim();
    if (KEY_BODY.test(firstLine)) out.push({ index: m.index, length: m[0].length });
  }
  return out;
}

/** `-----BEGIN ` in base64 at the start of an encoded value (kubeconfig `client-key-data`, Argo CD `keyData`). */
const ENCODED_BEGIN = /(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/=\s]*/g;
/** Enough of the encoding to hold a header and the first body line. */
const ENCODED_PREFIX = 4096;

/**
 * Base64-encoded PEM private keys: the encoding is decoded (its first few kilobytes) and must hold a
 * private key with a body, so an encoded certificate or placeholder is not one.
 */
export function findEncodedPrivateKeys(text: string): PemPrivateKey[] {
  if (!text.includes('LS0tLS1CRUdJTi')) return [];
  const out: PemPrivateKey[] = [];
  ENCODED_BEGIN.lastIndex = 0;
  for (let m = ENCODED_BEGIN.exec(text); m; m = ENCODED_BEGIN.exec(text)) {
    const compact = m[0].slice(0, ENCODED_PREFIX * 2).replace(/\s+/g, '').slice(0, ENCODED_PREFIX);
    const decoded = Buffer.from(compact.slice(0, compact.length - (compact.length % 4)), 'base64').toString('latin1');
    if (findPrivateKeys(decoded).length > 0) out.push({ index: m.index, length: m[0].trimEnd().length });
  }
  return out;
}

/** True when the text is only public material: certificates, public keys, SSH public keys. */
export function isPublicMaterial(text: string): boolean {
  if (SSH_PUBLIC_KEY.test(text)) return true;
  return PUBLIC_HEADER.test(text) && !text.includes('PRIVATE KEY');
}
