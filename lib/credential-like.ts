/**
 * What counts as a credential-like key name. Shared by catalog validation (no `default` on such a
 * key, no literal fixture value) and the scanner (whose configuration can replace both lists).
 *
 * Names are compared after normalisation: lower case, `-` and `.` and camelCase humps folded to
 * `_`, so `clientSecret`, `client-secret` and `CLIENT_SECRET` are one name.
 */
export interface CredentialKeyPatterns {
  /** A name matching any of these is credential-like... */
  readonly include: readonly string[];
  /** ...unless it also matches one of these. */
  readonly exclude: readonly string[];
}

export const DEFAULT_CREDENTIAL_KEY_PATTERNS: CredentialKeyPatterns = {
  include: [
    '(^|_)pass(word|wd|phrase)?($|_)',
    '(^|_)pwd($|_)',
    // Compounds written without separators: `PGPASSWORD`, `dbpassword`, `rootpasswd`.
    '[a-z](password|passwd|passphrase)$',
    '(^|_)secret($|_|s$)',
    '(^|_)(api|access|secret|private|signing|encryption|master|license|app|client|service)_?keys?($|_)',
    '(^|_)token($|_|s$)',
    // `auth` and friends count as the name's last word (`BASIC_AUTH`) or before a secret noun
    // (`SESSION_KEY`), not in the middle of settings such as `AUTH_METHOD` or `NO_AUTH_NETWORKS`.
    '(^|_)(auth|authorization|bearer|refresh|session|csrf|jwt)(_(token|tokens|key|keys|secret|string|header|value|data|code|cookie|hash))?$',
    '(^|_)credentials?($|_)',
    '(^|_)cookie_?secret($|_)',
    '(^|_)(dsn|connection_string|conn_str|database_url|db_url|redis_url|amqp_url|mongo(db)?_uri|postgres(ql)?_url|dburl)($|_)',
    '(^|_)salt($|_)',
    '(^|_)(htpasswd|pgpass|netrc|kubeconfig)($|_)',
    '(^|_)(tls|ssh)_?(key|private)',
    '(^|_)webhook_?url($|_)',
    '^\\.dockerconfigjson$',
    '^\\.dockercfg$',
    '(^|_)(id_rsa|id_ed25519|id_ecdsa)($|_)',
  ],
  exclude: [
    '(^|_)(ttl|timeout|expiry|expires?|expiration|lifetime|length|min_length|max_length|policy|policies|enabled|disabled|enable|required|files?|paths?|dirs?|ref|name|names|username|user|header|type|mode|format|endpoint|url_path|rotation|count|size|prefix|suffix|hint|version|algorithm|id_field)$',
    '^(username|user|login|email|token_ttl|password_policy|passwordpolicy|password_min_length)$',
    '(^|_)(secret|token|auth|password|key)_(name|ref|namespace|path|file|ttl|policy|length|mount|engine|store|provider)$',
    // `userPasswordKey: password` names a key inside a Secret; `AWS_SECRET_KEY` stays a credential.
    '(^|_)(token|auth|password|key)_key$',
    '^(auth_url|auth_signin|auth_response_headers|auth_type|auth_method|authentication_method|auth_mount|auth_path)$',
    '(^|_)public(_|$)',
    '(^|_)(client_id|app_id|key_id|access_key_id_ref)$',
    // Names of Secrets, not secrets: `existingSecret`, `githubConfigSecret`, `tlsSecret`.
    '(^|_)existing(_|$)',
    '(^|_)(config|tls|ca|cert|certs|certificates|registry|pull|image_pull|env|from|target|source|external|ref)_secrets?$',
    // iSCSI CHAP and similar: `auth.username_in` is a user name like `username`.
    '(^|_)(username|user|login|email)(_(in|out|\\d+))?$',
    '(^|_)(method|methods|networks|cidrs|hosts|scheme|strategy|backend|provider|providers|issuer|audience|scope|scopes|realm|annotations|labels)$',
  ],
};

/** Folds `clientSecret`, `client-secret`, `CLIENT.SECRET` to `client_secret`. */
export function normalizeKeyName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export interface CredentialKeyMatcher {
  (name: string): boolean;
}

/** Compiles the pattern lists once; the result is a pure predicate. */
export function credentialKeyMatcher(patterns: CredentialKeyPatterns = DEFAULT_CREDENTIAL_KEY_PATTERNS): CredentialKeyMatcher {
  const include = patterns.include.map((p) => new RegExp(p, 'i'));
  const exclude = patterns.exclude.map((p) => new RegExp(p, 'i'));
  return (name: string) => {
    const raw = name.toLowerCase();
    const norm = normalizeKeyName(name);
    const hit = (re: RegExp) => re.test(norm) || re.test(raw);
    return include.some(hit) && !exclude.some(hit);
  };
}

export const isCredentialLikeKey: CredentialKeyMatcher = credentialKeyMatcher();
