/**
 * Values that are not literal secrets although they sit where a secret would: templates resolved
 * at render time, references resolved at deploy time, and the placeholders documentation uses.
 */

/** Helm/Go templates, `${VAR}` and `$VAR` substitution (Flux, envsubst), Kubernetes `$(VAR)` expansion. */
const SUBSTITUTIONS = [
  // `[^{}\s$]`: a run belongs to one `${` only, so `${${${...` stays linear.
  /\$\{[^{}\s$]*\}/,
  /\$\([A-Za-z_][A-Za-z0-9_]*\)/,
  // `$VAR` only in the environment-variable convention (upper case), or as the whole value: a
  // generated password such as `Pa!$word9` is not a substitution.
  /(?:^|[^A-Za-z0-9$\\])\$[A-Z_][A-Z0-9_]+(?![A-Za-z0-9_])/,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
];

/** An opener followed, anywhere later, by its closer (by index, which stays linear on any input). */
function hasPair(value: string, open: string, close: string): boolean {
  const i = value.indexOf(open);
  return i >= 0 && value.indexOf(close, i + open.length) >= 0;
}

export function isTemplated(value: string): boolean {
  if (hasPair(value, '{{', '}}') || hasPair(value, '{%', '%}')) return true;
  if (!value.includes('$')) return false;
  return SUBSTITUTIONS.some((re) => re.test(value));
}

/**
 * Secret references that a tool resolves at deploy time: 1Password (`op://`), argocd-vault-plugin
 * (`<path:...>`), bank-vaults (`vault:`), vals (`ref+...`), sops (`ENC[...]`), AWS secret ARNs.
 */
const REFERENCE = /^\s*(?:op:\/\/|<path:[^>]+>|vault:[\w/.-]|ref\+[a-z0-9]+:\/\/|secretref\+|ENC\[[A-Z0-9_]+,|arn:aws[\w-]*:(?:secretsmanager|ssm):|akv:\/\/|gcp:secretmanager:)/;

export function isDeployTimeReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** The whole value is one of the conventional stand-ins. */
const PLACEHOLDER_WHOLE =
  /^(?:change[-_ .]?(?:me|it)|replace[-_ .]?me|to[-_ ]?do|tbd|fixme|n\/?a|none|null|nil|undefined|placeholder|example|sample|dummy|redacted|hidden|masked|secret[-_ ]?here|[xX]{3,}|[*]{3,}|[.]{3,}|[-_#?]{1,}|<[^<>]*>|\[[^\]]*\]|\*\*[^*]+\*\*|true|false|yes|no|on|off|enabled|disabled)$/i;
/** Markers that make any value a stand-in. */
const PLACEHOLDER_MARKER =
  /change[-_ ]?me|replace[-_ ]?me|placeholder|goes[-_ ]here|fill[-_ ]?(?:me[-_ ]?)?in|(?:put|insert)[-_ ][^\n]{0,40}?[-_ ]here|^INSERT_[A-Z0-9_]+$|^your[-_ ]?|^<your|fake|^my[-_ ]?(?:secret|token|password|pass|key|api[-_]?key)$|example|EXAMPLE|x{4,}|X{4,}|\*{4,}/i;

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  // Too short to be a credential anyone would rely on, and usually a flag or a stand-in.
  if (v.length < 3) return true;
  return PLACEHOLDER_WHOLE.test(v) || PLACEHOLDER_MARKER.test(v);
}
