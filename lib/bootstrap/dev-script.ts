import { CONFIGURE_FUNCTIONS, FIXTURES_FILE, FIXTURES_MOUNT_DIR, scriptHeader, shellDefault, VAULT_FUNCTIONS } from './script-common';

/** The Secret where the dev bootstrap keeps the root token, the unseal key and the HMAC seed. */
export const DEV_CREDENTIALS_SECRET = 'vault-auto-credentials';
/** Keys of that Secret. */
export const DevCredentialKeys = { rootToken: 'root-token', unsealKey: 'unseal-key', seed: 'seed' } as const;

export interface DevScriptOptions {
  /** Vault's address as the bootstrap pod reaches it (`spec.vault.server`). */
  readonly vaultAddr: string;
  /** Namespace of `vault-auto-credentials` when the pod's namespace is unknown. */
  readonly namespace: string;
}

/**
 * The dev/CI/ephemeral bootstrap: init (one key share) and unseal when needed, keep the root token,
 * unseal key and per-cluster seed in `vault-auto-credentials`, configure Vault from the plan and
 * seed the fixture map. Idempotent: a run against a configured Vault writes nothing.
 */
export function devBootstrapScript(opts: DevScriptOptions): string {
  return [
    scriptHeader({
      title: 'Vault bootstrap for dev, CI and ephemeral clusters (never production).',
      description: [
        'Initializes Vault with one key share if needed, unseals it, keeps the root token, the unseal key',
        `and the fixture seed in the Secret ${DEV_CREDENTIALS_SECRET} (dev only), enables the KV v2 mount and`,
        'the kubernetes auth method, writes policies and roles, and seeds fixtures that are absent.',
        'Idempotent: never overwrites a value; a second run writes nothing.',
      ],
      vaultAddr: opts.vaultAddr,
    }),
    shellDefault('BOOTSTRAP_FIXTURES', `${FIXTURES_MOUNT_DIR}/${FIXTURES_FILE}`),
    shellDefault('CREDENTIALS_SECRET', DEV_CREDENTIALS_SECRET),
    shellDefault('FALLBACK_NAMESPACE', opts.namespace),
    `SERVICEACCOUNT_DIR="\${SERVICEACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
KUBERNETES_API="\${KUBERNETES_API_URL:-https://\${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}:\${KUBERNETES_SERVICE_PORT:-443}}"
if [ -z "\${POD_NAMESPACE:-}" ] && [ -r "$SERVICEACCOUNT_DIR/namespace" ]; then POD_NAMESPACE=$(cat "$SERVICEACCOUNT_DIR/namespace"); fi
NAMESPACE="\${POD_NAMESPACE:-$FALLBACK_NAMESPACE}"
TAB=$(printf '\\t')
[ -r "$BOOTSTRAP_FIXTURES" ] || die "cannot read the fixture map $BOOTSTRAP_FIXTURES"
`,
    VAULT_FUNCTIONS,
    CONFIGURE_FUNCTIONS,
    DEV_FUNCTIONS,
    DEV_MAIN,
  ].join('\n');
}

const DEV_FUNCTIONS = `
# --- Kubernetes API: the Secret $CREDENTIALS_SECRET -------------------------------------------------
kube_setup() {
  [ -r "$SERVICEACCOUNT_DIR/token" ] || die "no service account token at $SERVICEACCOUNT_DIR/token"
  ks_token=$(cat "$SERVICEACCOUNT_DIR/token")
  printf 'header = "Authorization: Bearer %s"\\n' "$ks_token" > "$WORK/kube.curlrc"
  ks_token=''
  if [ -r "$SERVICEACCOUNT_DIR/ca.crt" ]; then printf 'cacert = "%s"\\n' "$SERVICEACCOUNT_DIR/ca.crt" >> "$WORK/kube.curlrc"; fi
}

# kube_call METHOD PATH [BODY_FILE CONTENT_TYPE]: prints the HTTP status; the body is in $WORK/kresp.
kube_call() {
  : > "$WORK/kresp"
  if [ $# -ge 4 ]; then
    curl -sS -K "$WORK/kube.curlrc" --connect-timeout 5 --max-time 30 -o "$WORK/kresp" -w '%{http_code}' \\
      -X "$1" -H "Content-Type: $4" --data-binary "@$3" "$KUBERNETES_API$2" 2> "$WORK/curl.err" || true
  else
    curl -sS -K "$WORK/kube.curlrc" --connect-timeout 5 --max-time 30 -o "$WORK/kresp" -w '%{http_code}' \\
      -X "$1" "$KUBERNETES_API$2" 2> "$WORK/curl.err" || true
  fi
}

secret_api() { printf '/api/v1/namespaces/%s/secrets' "$NAMESPACE"; }

# Reads root-token, unseal-key and seed (each possibly empty) into $WORK/cred/.
load_credentials() {
  mkdir -p "$WORK/cred"
  lc_status=$(kube_call GET "$(secret_api)/$CREDENTIALS_SECRET")
  case "$lc_status" in
    200)
      CREDENTIALS_FOUND=yes
      log "read Secret $NAMESPACE/$CREDENTIALS_SECRET" ;;
    404)
      CREDENTIALS_FOUND=no
      printf '{}' > "$WORK/kresp"
      log "Secret $NAMESPACE/$CREDENTIALS_SECRET does not exist yet" ;;
    *) die "read Secret $NAMESPACE/$CREDENTIALS_SECRET: Kubernetes API answered HTTP $lc_status" ;;
  esac
  for lc_key in root-token unseal-key seed; do
    jq -j --arg k "$lc_key" '.data[$k] // "" | @base64d' "$WORK/kresp" > "$WORK/cred/$lc_key"
  done
}

# store_credentials KEY...: writes those keys of $WORK/cred/ into the Secret (creating it once).
store_credentials() {
  printf '{}' > "$WORK/cred.json"
  for sc_key in "$@"; do
    jq --arg k "$sc_key" --rawfile v "$WORK/cred/$sc_key" '. + {($k): ($v | @base64)}' "$WORK/cred.json" > "$WORK/cred.tmp"
    mv "$WORK/cred.tmp" "$WORK/cred.json"
  done
  if [ "$CREDENTIALS_FOUND" = yes ]; then
    jq '{data: .}' "$WORK/cred.json" > "$WORK/kbody"
    sc_status=$(kube_call PATCH "$(secret_api)/$CREDENTIALS_SECRET" "$WORK/kbody" application/merge-patch+json)
    [ "$sc_status" = 200 ] || die "update Secret $NAMESPACE/$CREDENTIALS_SECRET: Kubernetes API answered HTTP $sc_status"
  else
    jq --arg name "$CREDENTIALS_SECRET" --arg ns "$NAMESPACE" '{
      apiVersion: "v1", kind: "Secret", type: "Opaque",
      metadata: {name: $name, namespace: $ns, labels: {"app.kubernetes.io/managed-by": "secretops", "app.kubernetes.io/component": "vault-bootstrap"}},
      data: .}' "$WORK/cred.json" > "$WORK/kbody"
    sc_status=$(kube_call POST "$(secret_api)" "$WORK/kbody" application/json)
    [ "$sc_status" = 201 ] || die "create Secret $NAMESPACE/$CREDENTIALS_SECRET: Kubernetes API answered HTTP $sc_status"
    CREDENTIALS_FOUND=yes
  fi
  changed "stored $* in Secret $NAMESPACE/$CREDENTIALS_SECRET"
}

# --- Fixture values ------------------------------------------------------------------------------------
# HMAC-SHA256(seed, "<path>#<key>") in hex; longer values append HMAC-SHA256(seed, "<path>#<key>#<n>")
# for n = 2, 3...; cut to LENGTH. Same seed, same values, on any cluster.
deterministic_value() { # PATH#KEY LENGTH
  dv_out=''
  dv_block=1
  while [ "\${#dv_out}" -lt "$2" ]; do
    if [ "$dv_block" -eq 1 ]; then dv_msg=$1; else dv_msg="$1#$dv_block"; fi
    dv_out="$dv_out$(printf '%s' "$dv_msg" | openssl dgst -sha256 -hmac "$SEED" -r | cut -d ' ' -f 1)"
    dv_block=$((dv_block + 1))
  done
  printf '%s' "$dv_out" | cut -c "1-$2" | tr -d '\\n'
  dv_out=''
}

random_value() { # LENGTH
  openssl rand -hex $((($1 + 1) / 2)) | cut -c "1-$1" | tr -d '\\n'
}

# Per path: read the current version, create only the keys that are absent, write once with
# check-and-set on the version read, so a value that exists is never overwritten.
seed_fixtures() {
  sf_kv=$(plan .kvMount)
  sf_same=0
  jq -r '.paths | keys[]' "$BOOTSTRAP_FIXTURES" > "$WORK/fixture-index"
  while IFS= read -r sf_i <&3; do
    jq --argjson i "$sf_i" '.paths[$i]' "$BOOTSTRAP_FIXTURES" > "$WORK/fixture"
    sf_path=$(jq -r .path "$WORK/fixture")
    sf_status=$(vault_call GET "$sf_kv/data/$sf_path")
    case "$sf_status" in
      200 | 404) ;;
      *) vault_fail "read $sf_kv/$sf_path" "$sf_status" ;;
    esac
    jq '{version: (.data.metadata.version // 0), data: (.data.data // {})}' "$WORK/resp" > "$WORK/current"
    : > "$WORK/resp"
    printf '{}' > "$WORK/new"
    sf_added=''
    jq -r '.keys[] | [.key, (.generate // "value"), ((.length // 0) | tostring)] | @tsv' "$WORK/fixture" > "$WORK/fixture-keys"
    while IFS="$TAB" read -r sf_key sf_how sf_length <&4; do
      if jq -e --arg k "$sf_key" '.data | has($k)' "$WORK/current" > /dev/null; then continue; fi
      case "$sf_how" in
        deterministic) deterministic_value "$sf_path#$sf_key" "$sf_length" > "$WORK/value" ;;
        random) random_value "$sf_length" > "$WORK/value" ;;
        value) jq -j --arg k "$sf_key" '.keys[] | select(.key == $k) | .value' "$WORK/fixture" > "$WORK/value" ;;
        *) die "fixture $sf_kv/$sf_path#$sf_key: unknown generator $sf_how" ;;
      esac
      jq --arg k "$sf_key" --rawfile v "$WORK/value" '. + {($k): $v}' "$WORK/new" > "$WORK/new.tmp"
      mv "$WORK/new.tmp" "$WORK/new"
      : > "$WORK/value"
      sf_added="$sf_added $sf_key ($sf_how)"
    done 4< "$WORK/fixture-keys"
    if [ -z "$sf_added" ]; then
      sf_same=$((sf_same + 1))
      continue
    fi
    jq -n --slurpfile cur "$WORK/current" --slurpfile new "$WORK/new" \\
      '{options: {cas: $cur[0].version}, data: ($cur[0].data + $new[0])}' > "$WORK/body"
    : > "$WORK/current"
    : > "$WORK/new"
    sf_status=$(vault_call POST "$sf_kv/data/$sf_path" "$WORK/body")
    : > "$WORK/body"
    case "$sf_status" in
      200 | 204) changed "seeded $sf_kv/$sf_path:$sf_added" ;;
      400) vault_fail "seed $sf_kv/$sf_path (it changed while seeding; nothing was overwritten; the next run retries)" "$sf_status" ;;
      *) vault_fail "seed $sf_kv/$sf_path" "$sf_status" ;;
    esac
  done 3< "$WORK/fixture-index"
  log "$sf_same fixture paths already complete"
}
`;

const DEV_MAIN = `
# --- main -----------------------------------------------------------------------------------------------
vault_use_token
kube_setup
wait_for_vault '200 429 472 473 501 503'
[ "$HEALTH" != 472 ] || die "Vault at $VAULT_ADDR is a disaster-recovery secondary; point VAULT_ADDR at the primary"
load_credentials

NEW_CREDENTIALS=''
if [ ! -s "$WORK/cred/seed" ]; then
  openssl rand -hex 32 | tr -d '\\n' > "$WORK/cred/seed"
  NEW_CREDENTIALS='seed'
fi
if [ "$HEALTH" = 501 ]; then
  jq -n '{secret_shares: 1, secret_threshold: 1}' > "$WORK/body"
  expect_status "initialize Vault" "$(vault_call PUT sys/init "$WORK/body")" 200
  jq -j '.root_token' "$WORK/resp" > "$WORK/cred/root-token"
  jq -j '.keys_base64[0]' "$WORK/resp" > "$WORK/cred/unseal-key"
  : > "$WORK/resp"
  NEW_CREDENTIALS="$NEW_CREDENTIALS root-token unseal-key"
  changed "initialized Vault with one key share (dev only)"
fi
if [ -n "$NEW_CREDENTIALS" ]; then
  # shellcheck disable=SC2086 # the key list is split on purpose
  store_credentials $NEW_CREDENTIALS
fi

if [ "$HEALTH" = 501 ] || [ "$HEALTH" = 503 ]; then
  [ -s "$WORK/cred/unseal-key" ] || die "Vault is sealed and Secret $NAMESPACE/$CREDENTIALS_SECRET holds no unseal-key: this Vault was not initialized by the bootstrap; unseal it by hand"
  jq -n --rawfile key "$WORK/cred/unseal-key" '{key: $key}' > "$WORK/body"
  expect_status "unseal Vault" "$(vault_call PUT sys/unseal "$WORK/body")" 200
  : > "$WORK/body"
  jq -e '.sealed == false' "$WORK/resp" > /dev/null || die "Vault is still sealed after the unseal key was submitted (does it need more than one key share?)"
  changed "unsealed Vault"
  wait_for_vault '200 429 473'
fi

[ -s "$WORK/cred/root-token" ] || die "Vault is initialized but Secret $NAMESPACE/$CREDENTIALS_SECRET holds no root-token: this Vault was not initialized by the bootstrap"
vault_use_token "$WORK/cred/root-token"
SEED=$(cat "$WORK/cred/seed")

configure_vault
seed_fixtures
SEED=''
finish
`;
