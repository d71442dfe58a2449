import { ACCESS_KEY_PATTERN } from './access-key-shape';
import { findEncodedPrivateKeys, findPrivateKeys } from './pem';

/**
 * Known credential formats, recognised by their shape wherever they appear: values, block scalars,
 * comments, Helm templates. Each format names the kind of material for messages; the matched text
 * itself never leaves this module except as an offset and length.
 */
export interface TokenFormat {
  readonly id: string;
  /** Noun phrase for messages: "a GitHub token". */
  readonly label: string;
  /** Global regex; `lastIndex` is reset before use. */
  readonly pattern: RegExp;
}

export const TOKEN_FORMATS: readonly TokenFormat[] = [
  { id: 'github', label: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { id: 'gitlab', label: 'a GitLab personal access token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  // The 16 characters after the prefix are base32 (A-Z, 2-7): `ASIAPACIFICREGION1` is not a key id.
  { id: 'aws-access-key-id', label: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g },
  { id: 'slack-token', label: 'a Slack token', pattern: /\b(?:xox[baprs]|xapp)-[0-9]+-[A-Za-z0-9-]{8,}/g },
  { id: 'slack-webhook', label: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,}/g },
  { id: 'google-api-key', label: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { id: 'stripe', label: 'a Stripe live key', pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}/g },
  // Header and payload are base64url JSON objects (`{"` encodes to `eyJ`); the signature must be
  // present. Matches start only where a run of base64url characters starts, so each run is read
  // once (no quadratic backtracking on `eyJ-eyJ-eyJ...`).
  // This project's own run access keys (docs/access-keys.md): `sok_<16 hex>_<43 base64url>`.
  { id: 'secretops-access-key', label: 'a secretops run access key', pattern: new RegExp(ACCESS_KEY_PATTERN.source, 'g') },
  { id: 'jwt', label: 'a signed JWT', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
];

/** Cheap first pass: text without any of these substrings holds no known token. */
export const TOKEN_HINT = /gh[pousr]_|github_pat_|glpat-|sok_|A[SKBC][IC]A|xox[baprs]-|xapp-|hooks\.slack\.com|AIza|[sr]k_live_|PRIVATE KEY|LS0tLS1CRUdJTi|eyJ/;

/**
 * `TOKEN_HINT` without spaces: every token and private key holds one of these, and YAML's line
 * folding (which breaks only at spaces) cannot split it, so a document whose raw text holds none
 * has no token in any value either (unless escapes spell one: see `DocumentOutline.encoded`).
 * A private key's header holds `-----BEGIN`, a better hint than the `PRIVATE KEY` of prose.
 */
export const UNBROKEN_TOKEN_HINT = /gh[pousr]_|github_pat_|glpat-|sok_|A[SKBC][IC]A|xox[baprs]-|xapp-|hooks\.slack\.com|AIza|[sr]k_live_|-----BEGIN|LS0tLS1CRUdJTi|eyJ/;

/** Documented sample values that have a token's shape (AWS docs, jwt.io, Slack docs). */
const DOCUMENTED_SAMPLES = /EXAMPLE|SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c/;
/** A run of one character (`XXXXXXXX`, `00000000`) marks a made-up value in docs. */
const FILLER_RUN = /([A-Za-z0-9])\1{7,}/;

export interface TokenHit {
  readonly format: TokenFormat | PrivateKeyFormat;
  readonly index: number;
  readonly length: number;
}

interface PrivateKeyFormat {
  readonly id: 'private-key' | 'private-key-base64';
  readonly label: string;
}
export const PRIVATE_KEY_FORMAT: PrivateKeyFormat = { id: 'private-key', label: 'a private key' };
export const ENCODED_PRIVATE_KEY_FORMAT: PrivateKeyFormat = { id: 'private-key-base64', label: 'a base64-encoded private key' };

/** Every known token and private key block in the text, in order of appearance. */
export function findTokens(text: string): TokenHit[] {
  if (!TOKEN_HINT.test(text)) return [];
  const hits: TokenHit[] = [];
  for (const format of TOKEN_FORMATS) {
    format.pattern.lastIndex = 0;
    for (let m = format.pattern.exec(text); m; m = format.pattern.exec(text)) {
      if (DOCUMENTED_SAMPLES.test(m[0]) || FILLER_RUN.test(m[0])) continue;
      hits.push({ format, index: m.index, length: m[0].length });
    }
  }
  for (const k of findPrivateKeys(text)) hits.push({ format: PRIVATE_KEY_FORMAT, index: k.index, length: k.length });
  for (const k of findEncodedPrivateKeys(text)) hits.push({ format: ENCODED_PRIVATE_KEY_FORMAT, index: k.index, length: k.length });
  return hits.sort((a, b) => a.index - b.index);
}

/**
 * A short fingerprint of a hit used only to match one occurrence against another inside the same
 * document (a token seen in a value and again in the raw text); never reported.
 */
export function hitAnchor(text: string, hit: TokenHit): string {
  return `${hit.format.id}:${text.slice(hit.index, hit.index + Math.min(hit.length, 40))}`;
}

/** "a GitHub token", "a GitHub token and a private key": the kinds of material, de-duplicated. */
export function describeHits(hits: readonly TokenHit[]): string {
  const labels = [...new Set(hits.map((h) => h.format.label))];
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
