import { CONFIGURE_FUNCTIONS, scriptHeader, shellDefault, VAULT_FUNCTIONS } from './script-common';

/** Where the production Job mounts the scoped token Secret. */
export const BOOTSTRAP_TOKEN_MOUNT_DIR = '/var/run/secrets/secretops/bootstrap-token';
/** File name of the bootstrap token's ACL policy in the script ConfigMap. */
export const BOOTSTRAP_TOKEN_POLICY_FILE = 'bootstrap-policy.hcl';
/** @default name of the Secret holding the scoped production bootstrap token. */
export const DEFAULT_TOKEN_SECRET_NAME = 'vault-bootstrap-token';
/** @default key of the token in that Secret. */
export const DEFAULT_TOKEN_SECRET_KEY = 'token';

export interface ProductionScriptOptions {
  readonly vaultAddr: string;
  /** Namespace and name of the token Secret, for messages. */
  readonly tokenSecretNamespace: string;
  readonly tokenSecretName: string;
  readonly tokenSecretKey: string;
}

/**
 * The production bootstrap: configure-only with a scoped token. Refuses a root token, checks every
 * capability it needs with `sys/capabilities-self` before writing anything, never initializes or
 * unseals Vault and seeds nothing.
 */
export function productionBootstrapScript(opts: ProductionScriptOptions): string {
  return [
    scriptHeader({
      title: 'Vault bootstrap for production clusters: configure only, with a scoped token.',
      description: [
        'Never initializes or unseals Vault (KMS auto-unseal and the init ceremony do that) and seeds nothing.',
        'Refuses a root token, checks the capabilities it needs before it writes, then enables the KV v2',
        'mount and the kubernetes auth method if absent and writes policies and roles that differ.',
        'Runbook: docs/vault-production-bootstrap.md.',
      ],
      vaultAddr: opts.vaultAddr,
      tools: ['curl', 'jq'],
    }),
    shellDefault('BOOTSTRAP_TOKEN_FILE', `${BOOTSTRAP_TOKEN_MOUNT_DIR}/${opts.tokenSecretKey}`),
    shellDefault('TOKEN_SECRET', `${opts.tokenSecretNamespace}/${opts.tokenSecretName} (key ${opts.tokenSecretKey})`),
    VAULT_FUNCTIONS,
    CONFIGURE_FUNCTIONS,
    PRODUCTION_FUNCTIONS,
    PRODUCTION_MAIN,
  ].join('\n');
}

const PRODUCTION_FUNCTIONS = `
# The token comes from the Secret $TOKEN_SECRET, mounted as a file or passed as VAULT_TOKEN.
read_bootstrap_token() {
  if [ -n "\${VAULT_TOKEN:-}" ]; then
    printf '%s' "$VAULT_TOKEN" > "$WORK/token"
    unset VAULT_TOKEN
    log "using the bootstrap token from VAULT_TOKEN"
  elif [ -s "$BOOTSTRAP_TOKEN_FILE" ]; then
    tr -d '\\r\\n' < "$BOOTSTRAP_TOKEN_FILE" > "$WORK/token"
    log "using the bootstrap token from $BOOTSTRAP_TOKEN_FILE"
  else
    die "no bootstrap token: provision the Secret $TOKEN_SECRET out of band (docs/vault-production-bootstrap.md) and mount it at $BOOTSTRAP_TOKEN_FILE"
  fi
}

# Fails fast, before any write: a root token, an expired token, or any missing capability.
check_bootstrap_token() {
  cb_status=$(vault_call GET auth/token/lookup-self)
  case "$cb_status" in
    200) ;;
    401 | 403) die "Vault refused the bootstrap token (HTTP $cb_status): it is expired, revoked or wrong; issue a new one (docs/vault-production-bootstrap.md#rotating-the-bootstrap-token)" ;;
    *) vault_fail "look up the bootstrap token" "$cb_status" ;;
  esac
  if jq -e '(.data.policies // []) | index("root") != null' "$WORK/resp" > /dev/null; then
    die "refusing a root token: create the scoped bootstrap token (docs/vault-production-bootstrap.md#the-bootstrap-token), store it in $TOKEN_SECRET and revoke the root token"
  fi
  cb_ttl=$(jq -r '.data.ttl // 0' "$WORK/resp")
  if [ "$cb_ttl" = 0 ]; then log "warning: the bootstrap token never expires; issue it with a short TTL"; else log "bootstrap token expires in \${cb_ttl}s"; fi
  jq '{paths: [.capabilities[].path]}' "$BOOTSTRAP_CONFIG" > "$WORK/body"
  expect_status "check the bootstrap token's capabilities" "$(vault_call POST sys/capabilities-self "$WORK/body")" 200
  jq -r --slurpfile plan "$BOOTSTRAP_CONFIG" '. as $have
    | $plan[0].capabilities[]
    | (($have[.path] // []) - ["deny"]) as $got
    | select(($got | index("root")) == null)
    | (.capabilities - $got) as $missing
    | select($missing | length > 0)
    | "  \\(.path): \\($missing | join(", "))"' "$WORK/resp" > "$WORK/missing"
  if [ -s "$WORK/missing" ]; then
    {
      printf 'vault-bootstrap: error: the bootstrap token lacks these capabilities (path: missing):\\n'
      cat "$WORK/missing"
    } >&2
    die "grant them in the bootstrap policy (docs/vault-production-bootstrap.md#the-bootstrap-token), issue a new token and re-run the Job; nothing was changed"
  fi
  log "the bootstrap token has every capability the plan needs"
}
`;

const PRODUCTION_MAIN = `
# --- main -----------------------------------------------------------------------------------------------
read_bootstrap_token
vault_use_token
wait_for_vault '200 429 472 473 501 503'
case "$HEALTH" in
  501) die "Vault at $VAULT_ADDR is not initialized: run the init ceremony (docs/vault-production-bootstrap.md#the-init-ceremony); this Job never initializes Vault" ;;
  503) die "Vault at $VAULT_ADDR is sealed: KMS auto-unseal has not unsealed it; check the seal configuration and Vault's logs; this Job never unseals Vault" ;;
  472) die "Vault at $VAULT_ADDR is a disaster-recovery secondary; point VAULT_ADDR at the primary" ;;
esac
vault_use_token "$WORK/token"
check_bootstrap_token
configure_vault
finish
`;
