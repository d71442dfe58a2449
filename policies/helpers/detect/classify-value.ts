import { decodeBase64Data } from './base64';
import { isPublicMaterial } from './pem';
import { isDeployTimeReference, isPlaceholder, isTemplated } from './placeholder';
import { describeHits, findTokens } from './token-formats';

/**
 * What a value found under a credential-like name is. Only `literal` is a finding; the other kinds
 * say why a value is not one, which keeps the rule's decisions explainable in tests.
 */
export type ValueKind =
  | 'empty'
  | 'not-text'
  | 'templated'
  | 'reference'
  | 'placeholder'
  | 'public-material'
  | 'unsigned-jwt'
  | 'locator'
  | 'literal';

export interface ValueClass {
  readonly kind: ValueKind;
  /** For literals: the kind of material as a noun phrase ("a private key", "a literal credential"). */
  readonly material?: string;
}

export interface ClassifyOptions {
  /** The name says the URL itself is the secret (`webhookUrl`): a URL is not a mere locator. */
  readonly urlIsSecret?: boolean;
  /** Organisation-specific placeholder patterns, tested against the trimmed value. */
  readonly placeholders?: readonly RegExp[];
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const ABSOLUTE_PATH = /^\/[\w.@:/-]*$/;
const SECRET_QUERY_PARAM = /^(?:token|access_token|key|api_?key|sig|signature|secret|password|pass|pwd|auth|code)$/i;
/** `alg: none` JWTs (empty signature) can be forged by anyone: not a credential. */
const UNSIGNED_JWT = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.$/;
const PEM_HEADER = /-----BEGIN [A-Z ]+-----/;

const LITERAL: ValueClass = { kind: 'literal', material: 'a literal credential' };

export function classifyValue(value: unknown, opts: ClassifyOptions = {}): ValueClass {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value !== 'string') return { kind: 'not-text' };
  const v = value.trim();
  if (v === '') return { kind: 'empty' };
  const hits = findTokens(v);
  if (hits.length > 0) return { kind: 'literal', material: describeHits(hits) };
  if (isTemplated(v)) return { kind: 'templated' };
  if (UNSIGNED_JWT.test(v)) return { kind: 'unsigned-jwt' };
  if (isDeployTimeReference(v)) return { kind: 'reference' };
  if (isPublicMaterial(v)) return { kind: 'public-material' };
  // A PEM header around no key body: documentation (`<your-private-key>`).
  if (PEM_HEADER.test(v)) return { kind: 'placeholder' };
  if (isPlaceholder(v) || opts.placeholders?.some((re) => re.test(v))) return { kind: 'placeholder' };
  if (URL_LIKE.test(v)) return classifyUrl(v, opts);
  if (ABSOLUTE_PATH.test(v) && !opts.urlIsSecret) return { kind: 'locator' };
  return classifyEncoded(v, opts) ?? LITERAL;
}

/** Printable text: what a base64 layer must decode to before its content is trusted to say more. */
const PRINTABLE = /^[\t\n\r\x20-\x7e]+$/;

/**
 * A value encoded once more (double base64 in `data`, base64 in `stringData`) is judged by what it
 * decodes to, so an encoded placeholder or template stays what it is. Random passwords rarely
 * decode to printable text; when they do, the decoded text is itself a literal.
 */
function classifyEncoded(v: string, opts: ClassifyOptions): ValueClass | undefined {
  if (v.length < 12) return undefined;
  const decoded = decodeBase64Data(v);
  if (decoded?.kind !== 'text' || !PRINTABLE.test(decoded.text)) return undefined;
  const inner = classifyValue(decoded.text, opts);
  return inner.kind === 'literal' ? undefined : inner;
}

/** A URL is a secret when it embeds a password or a credential query parameter, or when its name says so. */
function classifyUrl(v: string, opts: ClassifyOptions): ValueClass {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return LITERAL;
  }
  if (url.password && !isPlaceholder(decodeURIComponent(url.password))) {
    return { kind: 'literal', material: 'a connection string with an embedded password' };
  }
  for (const [name, val] of url.searchParams) {
    if (SECRET_QUERY_PARAM.test(name) && val && !isPlaceholder(val) && !isTemplated(val)) {
      return { kind: 'literal', material: 'a URL with a credential in its query' };
    }
  }
  if (opts.urlIsSecret) return { kind: 'literal', material: 'a secret URL' };
  return { kind: 'locator' };
}
