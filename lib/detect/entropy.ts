import { decodeBase64Data } from './base64';

/**
 * Random-looking values: how a Secret's value is judged when its key name says nothing (`k`,
 * `config`, `value`). Known formats are found by `token-formats`; this finds the rest of what a
 * key generator produces (`openssl rand -base64 32`, `pwgen -s 32`, `head -c 32 /dev/urandom |
 * xxd -p`), while the values a Secret also holds and that are not random stay unflagged: words
 * and names, sentences, config text, URLs and paths, UUIDs, digests with their algorithm prefix.
 *
 * How it decides (thresholds measured, test/policies/helpers/detect/entropy.test.ts):
 * - one token of printable ASCII, 20 to 1,024 characters: below 20 a Shannon estimate cannot tell
 *   `Summer2024Holiday` from a random password (short literals are found by their key names);
 * - not a UUID, an `algo:digest`, a URL or path, an image reference or dotted host, a regular
 *   expression, or one-line JSON (judged by its keys instead);
 * - hex must mix digits and letters; anything else must have upper case, lower case and digits,
 *   and at most 60% of it in word-like runs (`Escaping`, `CIDR`): identifiers such as
 *   `NoUTF8EscapingWithSuffixes` and placeholders such as `OPTIONALxFIELDxxxBase64...` are words;
 * - Shannon entropy at least 0.75 of the most its length and alphabet allow (log2 of the smaller
 *   of length and alphabet size).
 * Recall on 10,000 deterministic samples of each generator: `openssl rand -base64 32` 98.0%,
 * `-base64 15` (20 characters) 91.7%, `-hex 16` and `-hex 32` 100%, `pwgen -s 20` 91.8%,
 * `pwgen -s 32` 98.0%, 24 printable characters 89.0%, base64url of 32 bytes 99.4%.
 * Precision on the real-world corpus: of its 100,000+ strings (values and keys, each judged as if
 * under a neutral key in a Secret), ten are flagged: the five random keys in its Secrets (Ceph and
 * Azure keys, already true findings) and, outside Secrets where the check never runs, a Keeper
 * record id (three places), a hex GlusterFS cluster id and the cipher spec `AES/CBC/PKCS5Padding`.
 * Checksums (`checksum/config` annotations), UUIDs, image digests, base64 of configuration,
 * Grafana dashboard ids and CRD patterns are not. Names that say the value is an identifier or a
 * digest (`isIdentifierName`) are not judged at all.
 */

export type RandomTokenKind = 'hex' | 'base64' | 'mixed';

const MIN_LENGTH = 20;
/** Beyond this, a one-line value is a blob (a compressed or encoded file), not a key. */
const MAX_LENGTH = 1024;
export const ENTROPY_RATIO = 0.75;

const HEX = /^[0-9a-fA-F]+$/;
const BASE64ISH = /^[A-Za-z0-9+/_-]+={0,2}$/;
const PRINTABLE_TOKEN = /^[\x21-\x7e]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `sha256:...`, `md5-...`, `sha512=...`: a digest that says what it is. */
const ALGO_DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b?|xxh(?:32|64|3)?|crc32)[:=-]/i;
const URL_OR_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/|\.\.?\/|~\/)/i;
/** JSON, XML and similar one-line documents: judged by their keys (embedded config), not as a token. */
const STRUCTURED = /^[{[<]|":/;
/** Regular expressions (CRD `pattern`s): character ranges, escapes, groups, anchors. */
const REGEX_LIKE = /\[[^\]]?[A-Za-z0-9]-[A-Za-z0-9]\]|\\[dwsbDWS]|\(\?[:=!]|^\^.*\$$/;
/** Image references (`repo/name:tag@sha256:...`), hosts and dotted names (`a.b.c`). */
const DOTTED_OR_IMAGE = /@sha256:|^[\w-]+(?:\.[\w-]+){2,}$/;

/** Share of a string made of word-like runs (`Escaping`, `CIDR`, `string`) at or above which it is a name. */
export const MAX_WORD_FRACTION = 0.6;
const WORD_RUN = /[A-Z]?[a-z]{3,}|[A-Z]{4,}/g;

/** The share of characters in word-like runs: identifiers and placeholders are mostly words, random tokens are not. */
export function wordFraction(text: string): number {
  let covered = 0;
  for (const m of text.matchAll(WORD_RUN)) covered += m[0].length;
  return text.length > 0 ? covered / text.length : 0;
}

/** Names that say the value is an identifier or a digest, which are random by design and not secret. */
const IDENTIFIER_NAME = /(?:^|[_/])(?:checksum|hash|digest|sha\d*|md5|fingerprint|etag|uuid|guid)(?:[_/]|$)|(?:^|[_/])(?:id|ids|uid)$/;

export function isIdentifierName(normalizedName: string): boolean {
  return IDENTIFIER_NAME.test(normalizedName);
}

/** Shannon entropy of the text in bits per character. */
export function shannonEntropy(text: string): number {
  return symbolEntropy(text, text.length);
}

/** Shannon entropy in bits per symbol of `length` symbols (characters of a text, bytes of a buffer). */
function symbolEntropy<T>(symbols: Iterable<T>, length: number): number {
  const counts = new Map<T, number>();
  for (const c of symbols) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entropy divided by the most a string of this length over this alphabet can have. */
export function entropyRatio(text: string, alphabetSize: number): number {
  const max = Math.log2(Math.min(text.length, alphabetSize));
  return max > 0 ? shannonEntropy(text) / max : 0;
}

/** The kind of random token the value is, or undefined when it does not look random. */
export function randomTokenKind(value: string): RandomTokenKind | undefined {
  const v = value.trim();
  if (v.length < MIN_LENGTH || v.length > MAX_LENGTH || !PRINTABLE_TOKEN.test(v)) return undefined;
  if (UUID.test(v) || ALGO_DIGEST.test(v) || URL_OR_PATH.test(v) || DOTTED_OR_IMAGE.test(v) || REGEX_LIKE.test(v) || STRUCTURED.test(v)) return undefined;
  if (HEX.test(v)) {
    if (!/[0-9]/.test(v) || !/[a-fA-F]/.test(v)) return undefined;
    return entropyRatio(v, 16) >= ENTROPY_RATIO ? 'hex' : undefined;
  }
  if (!/[A-Z]/.test(v) || !/[a-z]/.test(v) || !/[0-9]/.test(v) || wordFraction(v) >= MAX_WORD_FRACTION) return undefined;
  if (BASE64ISH.test(v)) return entropyRatio(v, 64) >= ENTROPY_RATIO ? 'base64' : undefined;
  return entropyRatio(v, 94) >= ENTROPY_RATIO ? 'mixed' : undefined;
}

const PRINTABLE = /^[\t\n\r\x20-\x7e]+$/;

/**
 * A value as written in a Secret's stringData (or decoded from data): judged by what it decodes
 * to when it is base64 of text (an encoded config stays config), and as written when it decodes
 * to bytes (`openssl rand -base64 32` prints the random token itself).
 */
export function generatedValueKind(text: string): RandomTokenKind | undefined {
  const inner = text.length >= 12 ? decodeBase64Data(text) : undefined;
  return randomTokenKind(inner?.kind === 'text' && PRINTABLE.test(inner.text) ? inner.text : text);
}

/** Decoded binary of this size or less, with high byte entropy, is raw key material (16-64 byte keys). */
const MAX_RAW_KEY_BYTES = 128;

/** Raw bytes (a decoded `data` value) that look like a random key rather than a file. */
export function isRandomBytes(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || bytes.length > MAX_RAW_KEY_BYTES) return false;
  return symbolEntropy(bytes, bytes.length) / Math.log2(Math.min(bytes.length, 256)) >= ENTROPY_RATIO;
}
