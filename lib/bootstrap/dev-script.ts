import { CONFIGURE_FUNCTIONS, FIXTURES_FILE, FIXTURES_MOUNT_DIR, scriptHeader, sh, shellDefault, VAULT_FUNCTIONS } from './script-common';

/** The Secret where the dev bootstrap keeps the root token, the unseal key and the HMAC seed. */
export const DEV_CREDENTIALS_SECRET = 'vault-auto-credentials';
/** Keys of that Secret. */
export const DevCredentialKeys = { rootToken: 'root-token', unsealKey: 'unseal-key', seed: 'seed' } as const;

/** What the dev script runs besides sh builtins: no openssl, so a curl+jq image on busybox suffices. */
export const DEV_SCRIPT_TOOLS: readonly string[] = ['curl', 'jq', 'od', 'tr', 'awk', 'sha256sum', 'wc'];

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
      tools: DEV_SCRIPT_TOOLS,
    }),
    shellDefault('BOOTSTRAP_FIXTURES', `${FIXTURES_MOUNT_DIR}/${FIXTURES_FILE}`),
    shellDefault('CREDENTIALS_SECRET', DEV_CREDENTIALS_SECRET),
    shellDefault('FALLBACK_NAMESPACE', opts.namespace),
    `SERVICEACCOUNT_DIR="\${SERVICEACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
KUBERNETES_HOST="\${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}"
case "$KUBERNETES_HOST" in *:*) KUBERNETES_HOST="[$KUBERNETES_HOST]" ;; esac
KUBERNETES_API="\${KUBERNETES_API_URL:-https://$KUBERNETES_HOST:\${KUBERNETES_SERVICE_PORT:-443}}"
if [ -z "\${POD_NAMESPACE:-}" ] && [ -r "$SERVICEACCOUNT_DIR/namespace" ]; then POD_NAMESPACE=$(cat "$SERVICEACCOUNT_DIR/namespace"); fi
NAMESPACE="\${POD_NAMESPACE:-$FALLBACK_NAMESPACE}"
TAB=$(printf '\\t')
[ -r "$BOOTSTRAP_FIXTURES" ] || die "cannot read the fixture map $BOOTSTRAP_FIXTURES"
`,
    VAULT_FUNCTIONS,
    CONFIGURE_FUNCTIONS,
    DEV_FUNCTIONS,
    HMAC_FUNCTIONS,
    SEED_FUNCTIONS,
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

# kube_call METHOD PATH [BODY_FILE CONTENT_TYPE]: the response body is in $WORK/kresp.
kube_call() {
  kc_method=$1
  kc_path=$2
  shift 2
  http_call "$WORK/kube.curlrc" "$KUBERNETES_API$kc_path" "$WORK/kresp" "$kc_method" "$@"
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
    # Retried: after an init this write is all that keeps the new root token.
    for sc_try in 1 2 3 4 5; do
      sc_status=$(kube_call PATCH "$(secret_api)/$CREDENTIALS_SECRET" "$WORK/kbody" application/merge-patch+json)
      if [ "$sc_status" = 200 ]; then break; fi
      log "update Secret $NAMESPACE/$CREDENTIALS_SECRET: Kubernetes API answered HTTP $sc_status (attempt $sc_try of 5)"
      sleep "$sc_try"
    done
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
# od reads the kernel's random source; the value only ever travels through pipes and variables.
random_hex() { # BYTES: prints 2*BYTES hex characters
  od -An -vtx1 -N"$1" /dev/urandom | tr -d ' \\n'
}
random_value() { # LENGTH; sets VALUE to at least LENGTH hex characters (jq cuts it)
  VALUE=$(random_hex $((($1 + 1) / 2)))
}
`;

const HMAC_FUNCTIONS = sh`
# HMAC-SHA256 (RFC 2104) with the key never on a command line (it would be readable in
# /proc/<pid>/cmdline): od reads the key file on stdin, awk computes the inner and outer key pads
# (key XOR 0x36 and XOR 0x5c, zero-padded to the 64-byte block) as octal escapes, and the printf
# builtin, which does not exec, turns them into bytes. The result equals
# "openssl dgst -sha256 -hmac <key>" (lib/bootstrap/deterministic.ts is the reference).
# shellcheck disable=SC2016 # awk programs, not shell
PAD_AWK='function x(a, b,  r, p, i) { r = 0; p = 1; for (i = 0; i < 8; i++) { if (a % 2 != b % 2) r += p; a = int(a / 2); b = int(b / 2); p *= 2 } return r }
{ for (i = 1; i <= NF; i++) k[n++] = $i }
END { for (i = 0; i < 64; i++) printf "\\%03o", x(i < n ? k[i] : 0, mask) }'
# shellcheck disable=SC2016
HEX_AWK='{ for (i = 1; i < length($0); i += 2) printf "\\%03o", (index("0123456789abcdef", substr($0, i, 1)) - 1) * 16 + index("0123456789abcdef", substr($0, i + 1, 1)) - 1 }'

# hex_bytes HEX: prints the bytes HEX spells (printf builtin; awk reads HEX on stdin).
hex_bytes() {
  hb_escapes=$(printf '%s\n' "$1" | awk "$HEX_AWK")
  # shellcheck disable=SC2059 # the format is the octal escapes awk wrote
  printf "$hb_escapes"
  hb_escapes=''
}

# hmac_setup KEY_FILE: writes the key pads to $WORK/ipad and $WORK/opad. A key longer than the
# block is hashed first, as RFC 2104 says.
hmac_setup() {
  hs_key=$1
  if [ "$(wc -c < "$1")" -gt 64 ]; then
    IFS=' ' read -r hs_hex _ <<HMAC_EOF
$(sha256sum < "$1")
HMAC_EOF
    hex_bytes "$hs_hex" > "$WORK/hmac-key"
    hs_hex=''
    hs_key="$WORK/hmac-key"
  fi
  for hs_pad in ipad:54 opad:92; do
    hs_escapes=$(od -An -vtu1 < "$hs_key" | awk -v mask="\${hs_pad#*:}" "$PAD_AWK")
    # shellcheck disable=SC2059
    printf "$hs_escapes" > "$WORK/\${hs_pad%:*}"
  done
  hs_escapes=''
  rm -f "$WORK/hmac-key"
}

# hmac_hex FILE: sets HEX to HMAC-SHA256(key, FILE's bytes) in hex, from the pads of hmac_setup.
hmac_hex() {
  IFS=' ' read -r hh_inner _ <<HMAC_EOF
$(cat "$WORK/ipad" "$1" | sha256sum)
HMAC_EOF
  IFS=' ' read -r HEX _ <<HMAC_EOF
$({ cat "$WORK/opad"; hex_bytes "$hh_inner"; } | sha256sum)
HMAC_EOF
  hh_inner=''
}
`;

const SEED_FUNCTIONS = sh`
# Reads every fixture path in one batch; one jq run lists what is absent (P: a path to write, K: a
# missing key and how to create it); generated values are collected as JSON lines (keys match
# [A-Za-z_][A-Za-z0-9_.-]* and values are hex, so printf writes valid JSON); a second jq run builds
# each path's body from what exists plus what is new, with check-and-set on the version read, and
# one batch writes them. A value that exists is never overwritten.
seed_fixtures() {
  FX_KV=$(plan .kvMount)
  jq -r '.paths[].path' "$BOOTSTRAP_FIXTURES" > "$WORK/fixture-paths"
  fetch_all "$FX_KV/data/" "$WORK/fixture-paths"
  if [ "$FETCHED" -eq 0 ]; then return 0; fi
  # shellcheck disable=SC2016 # a jq program, not shell
  FX_MISSING_JQ='$fx[0].paths | to_entries[]
    | ($have["\(100001 + .key).json"].data // {}) as $cur
    | ($cur.data // {}) as $data
    | [.value.keys[] | select(.key as $k | $data | has($k) | not)] as $missing
    | select($missing | length > 0)'
  # K lines carry the hex characters a value is made from (two per byte of a base64url value).
  jq -n -r --slurpfile fx "$BOOTSTRAP_FIXTURES" "$HAVE_JQ | $FX_MISSING_JQ"'
    | "P\t\(.key)\t\(.value.path)",
      ($missing[] | "K\t\(.key)\t\(.generate // "value")\t\(if .format == "base64url" then 2 * (.bytes // 32) else (.length // 0) end)")' "$WORK"/out/1*.json > "$WORK/fixture-todo"
  : > "$WORK/generated"
  : > "$WORK/fixture-log"
  : > "$WORK/deterministic"
  rm -rf "$WORK/msg"
  mkdir "$WORK/msg"
  fx_writes=0
  fx_msgs=0
  fx_path=''
  fx_index=''
  fx_added=''
  while IFS="$TAB" read -r fx_kind fx_a fx_b fx_c <&3; do
    case "$fx_kind" in
      P)
        if [ -n "$fx_path" ]; then printf '%s:%s\n' "$fx_path" "$fx_added" >> "$WORK/fixture-log"; fi
        fx_index=$fx_a
        fx_path=$fx_b
        fx_added=''
        fx_writes=$((fx_writes + 1)) ;;
      K)
        case "$fx_b" in
          deterministic)
            # One message per 64 hex characters: "<path>#<key>", then "<path>#<key>#2"...
            fx_blocks=$(((fx_c + 63) / 64))
            fx_block=1
            while [ "$fx_block" -le "$fx_blocks" ]; do
              fx_msgs=$((fx_msgs + 1))
              if [ "$fx_block" -eq 1 ]; then fx_msg="$fx_path#$fx_a"; else fx_msg="$fx_path#$fx_a#$fx_block"; fi
              printf '%s' "$fx_msg" > "$WORK/msg/$((100000 + fx_msgs))"
              fx_block=$((fx_block + 1))
            done
            printf '%s\t%s\t%s\t%s\n' "$fx_index" "$fx_a" "$fx_c" "$fx_blocks" >> "$WORK/deterministic" ;;
          random)
            random_value "$fx_c"
            printf '{"i":%s,"k":"%s","v":"%s","n":%s}\n' "$fx_index" "$fx_a" "$VALUE" "$fx_c" >> "$WORK/generated"
            VALUE='' ;;
          value) ;;
          *) die "fixture $FX_KV/$fx_path#$fx_a: unknown generator $fx_b" ;;
        esac
        fx_added="$fx_added $fx_a ($fx_b)" ;;
    esac
  done 3< "$WORK/fixture-todo"
  if [ -n "$fx_path" ]; then printf '%s:%s\n' "$fx_path" "$fx_added" >> "$WORK/fixture-log"; fi
  # Deterministic values: HMAC-SHA256(seed, message) in hex for every message (one line per
  # message file, in order); a value is its blocks joined, cut to its length by jq below. Same seed,
  # same values, on any cluster.
  if [ "$fx_msgs" -gt 0 ]; then
    hmac_setup "$WORK/cred/seed"
    : > "$WORK/hmacs"
    for fx_msg_file in "$WORK"/msg/*; do
      hmac_hex "$fx_msg_file"
      printf '%s\n' "$HEX" >> "$WORK/hmacs"
    done
    HEX=''
    rm -f "$WORK/ipad" "$WORK/opad"
    while IFS="$TAB" read -r fx_i fx_key fx_length fx_blocks <&3; do
      VALUE=''
      fx_block=0
      while [ "$fx_block" -lt "$fx_blocks" ]; do
        IFS=' ' read -r fx_hex _ <&4 || die "computed fewer HMACs than fixtures need"
        VALUE="$VALUE$fx_hex"
        fx_block=$((fx_block + 1))
      done
      printf '{"i":%s,"k":"%s","v":"%s","n":%s}\n' "$fx_i" "$fx_key" "$VALUE" "$fx_length" >> "$WORK/generated"
    done 3< "$WORK/deterministic" 4< "$WORK/hmacs"
    VALUE=''
    fx_hex=''
    rm -rf "$WORK/msg" "$WORK/hmacs"
  fi
  # Shapes (format): hex as generated; base64url of the bytes the hex spells, unpadded; url: the
  # template with {secret}, {service} (last path segment) and {environment} (first segment).
  # shellcheck disable=SC2016 # a jq program, not shell
  FX_SHAPE_JQ='def fx_bytes: [explode[] | if . >= 97 then . - 87 elif . >= 65 then . - 55 else . - 48 end]
      | [range(0; length; 2) as $j | .[$j] * 16 + .[$j + 1]];
    def fx_b64url: . as $b | "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" as $a
      | [range(0; $b | length; 3) as $j | $b[$j:$j + 3] as $g
        | ($g[0] * 65536 + ($g[1] // 0) * 256 + ($g[2] // 0)) as $n
        | [262144, 4096, 64, 1][0:($g | length) + 1][] | ($n / . | floor) % 64 | $a[.:. + 1]] | join("");
    def fx_shape($hex; $path):
      if .format == "base64url" then $hex | fx_bytes | fx_b64url
      elif .format == "url" then .template | gsub("\\{secret\\}"; $hex)
        | gsub("\\{service\\}"; $path | split("/") | last) | gsub("\\{environment\\}"; $path | split("/") | first)
      else $hex end;'
  if [ "$fx_writes" -gt 0 ]; then
    jq -n -r --slurpfile fx "$BOOTSTRAP_FIXTURES" --slurpfile gen "$WORK/generated" "$FX_SHAPE_JQ $HAVE_JQ | $FX_MISSING_JQ"'
      | .value.path as $p
      | (.key as $i | [$gen[] | select(.i == $i) | {(.k): .v[0:.n]}] | add // {}) as $raw
      | ([$missing[] | select(.generate != null) | {(.key): fx_shape($raw[.key]; $p)}] | add // {}) as $new
      | [.value.path, ({options: {cas: ($cur.metadata.version // 0)},
          data: ($data + ([$missing[] | select(.value != null) | {(.key): .value}] | add // {}) + $new)} | tojson)]
      | .[]' "$WORK"/out/1*.json > "$WORK/fixture-bodies"
    : > "$WORK/generated"
    # A 400 is a check-and-set conflict: the path changed while seeding; nothing was overwritten
    # and the next run retries.
    batch_write POST "$FX_KV/data/" "$WORK/fixture-bodies" "seed fixtures"
    rm -f "$WORK/fixture-bodies"
    while IFS= read -r fx_line <&3; do changed "seeded $FX_KV/$fx_line"; done 3< "$WORK/fixture-log"
  fi
  log "$((FETCHED - fx_writes)) of $FETCHED fixture paths already complete"
}
`;

const DEV_MAIN = `
# --- main -----------------------------------------------------------------------------------------------
vault_use_token
kube_setup
wait_for_vault '200 429 472 473 501 503'
[ "$HEALTH" != 472 ] || die "Vault at $VAULT_ADDR is a disaster-recovery secondary; point VAULT_ADDR at the primary"
load_credentials

# The seed is stored (creating the Secret) before Vault is initialized, so a missing permission or
# an unreachable API stops the run before a root token could be lost.
if [ ! -s "$WORK/cred/seed" ]; then
  random_hex 32 > "$WORK/cred/seed"
  store_credentials seed
fi
if [ "$HEALTH" = 501 ]; then
  jq -n '{secret_shares: 1, secret_threshold: 1}' > "$WORK/body"
  expect_status "initialize Vault" "$(vault_call PUT sys/init "$WORK/body")" 200
  jq -j '.root_token' "$WORK/resp" > "$WORK/cred/root-token"
  jq -j '.keys_base64[0]' "$WORK/resp" > "$WORK/cred/unseal-key"
  : > "$WORK/resp"
  changed "initialized Vault with one key share (dev only)"
  store_credentials root-token unseal-key
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

configure_vault
seed_fixtures
finish
`;
