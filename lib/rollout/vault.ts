/**
 * Vault as the rollout simulation sees it: its seal and init state, mounts, kubernetes auth, ACL
 * policies, roles and which keys exist (never values). Changed only by the bootstrap Jobs the dist
 * renders (their plan and fixtures are read from the ConfigMaps they mount) and by the manual steps
 * of the production runbook, which are explicit inputs.
 */

export interface VaultRole {
  readonly boundServiceAccountNames: readonly string[];
  readonly boundServiceAccountNamespaces: readonly string[];
  readonly policies: readonly string[];
}

export interface VaultState {
  initialized: boolean;
  sealed: boolean;
  /** Mount path -> engine type (`kv-v2`, `kubernetes`). */
  readonly mounts: Map<string, string>;
  /** Auth mounts whose `config` (kubernetes_host) was written. */
  readonly authConfigured: Set<string>;
  /** Policy name -> path globs with `read`. */
  readonly policies: Map<string, readonly string[]>;
  readonly roles: Map<string, VaultRole>;
  /** `<mount>/<path>` -> keys present. */
  readonly data: Map<string, Set<string>>;
}

export function freshVault(): VaultState {
  return { initialized: false, sealed: true, mounts: new Map(), authConfigured: new Set(), policies: new Map(), roles: new Map(), data: new Map() };
}

/** The bootstrap plan (`bootstrap.json`, lib/bootstrap/plan.ts) as far as Vault's state is concerned. */
export interface BootstrapPlanData {
  readonly kvMount: string;
  readonly authMount: string;
  readonly policies: readonly { readonly name: string; readonly body: { readonly policy: string } }[];
  readonly roles: readonly {
    readonly name: string;
    readonly body: { readonly bound_service_account_names: readonly string[]; readonly bound_service_account_namespaces: readonly string[]; readonly token_policies: readonly string[] };
  }[];
}

/** The fixture map (`fixtures.json`): paths and keys the dev bootstrap seeds. */
export interface FixturePlanData {
  readonly paths: readonly { readonly path: string; readonly keys: readonly { readonly key: string }[] }[];
}

/** `path "secret/data/dev/agents" { capabilities = ["read"] }` -> the globs that grant read. */
export function readPaths(hcl: string): string[] {
  const out: string[] = [];
  for (const m of hcl.matchAll(/path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]/g)) {
    if (/"read"/.test(m[2]!)) out.push(m[1]!);
  }
  return out;
}

/** Vault ACL path matching: a trailing `*` is a prefix, `+` one segment (https://developer.hashicorp.com/vault/docs/concepts/policies#policy-syntax). */
function pathMatches(glob: string, path: string): boolean {
  const re = glob.replace(/[.?^${}()|[\]\\]/g, '\\$&').replace(/\+/g, '[^/]+').replace(/\*$/, '.*');
  return new RegExp(`^${re}$`).test(path);
}

/**
 * What the shared configure step of both bootstrap scripts does (docs/vault-bootstrap.md, step 5):
 * enable KV v2 and the kubernetes auth method, write the auth config, the policies and the roles.
 */
export function configureVault(vault: VaultState, plan: BootstrapPlanData): void {
  vault.mounts.set(plan.kvMount, 'kv-v2');
  vault.mounts.set(`auth/${plan.authMount}`, 'kubernetes');
  vault.authConfigured.add(plan.authMount);
  for (const p of plan.policies) vault.policies.set(p.name, readPaths(p.body.policy));
  for (const r of plan.roles) {
    vault.roles.set(r.name, { boundServiceAccountNames: r.body.bound_service_account_names, boundServiceAccountNamespaces: r.body.bound_service_account_namespaces, policies: r.body.token_policies });
  }
}

/** The dev script's fixture step (step 6): every fixture key exists afterwards. */
export function seedFixtures(vault: VaultState, kvMount: string, fixtures: FixturePlanData): void {
  for (const p of fixtures.paths) {
    const at = `${kvMount}/${p.path}`;
    const keys = vault.data.get(at) ?? new Set<string>();
    for (const k of p.keys) keys.add(k.key);
    vault.data.set(at, keys);
  }
}

/** Why Vault cannot answer requests now, as Vault's sys/health and API say it; undefined when it can. */
export function unavailable(vault: VaultState): string | undefined {
  if (!vault.initialized) return 'Vault is not initialized';
  if (vault.sealed) return 'Vault is sealed';
  return undefined;
}

export interface KubernetesLogin {
  readonly authMount: string;
  readonly role: string;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Whether the service account may create TokenReviews (system:auth-delegator). */
  readonly mayReviewTokens: boolean;
  /** Whether the service account exists. */
  readonly serviceAccountExists: boolean;
}

/**
 * Vault's kubernetes auth login (https://developer.hashicorp.com/vault/docs/auth/kubernetes): the
 * method must be enabled and configured, the role must exist and bind the service account, and,
 * with no reviewer JWT configured, the client's own JWT reviews itself, so its service account needs
 * `system:auth-delegator`. Returns the token's policies, or an error message.
 */
export function kubernetesLogin(vault: VaultState, login: KubernetesLogin): { policies: readonly string[] } | { error: string } {
  const down = unavailable(vault);
  if (down) return { error: down };
  if (vault.mounts.get(`auth/${login.authMount}`) !== 'kubernetes') return { error: `no handler for route "auth/${login.authMount}/login": the kubernetes auth method is not enabled at ${login.authMount}/` };
  if (!vault.authConfigured.has(login.authMount)) return { error: `auth/${login.authMount}: could not load backend configuration` };
  if (!login.serviceAccountExists) return { error: `service account ${login.serviceAccount.namespace}/${login.serviceAccount.name} does not exist` };
  const role = vault.roles.get(login.role);
  if (!role) return { error: `invalid role name "${login.role}"` };
  if (!role.boundServiceAccountNames.includes(login.serviceAccount.name) || !role.boundServiceAccountNamespaces.includes(login.serviceAccount.namespace)) {
    return { error: `role "${login.role}": service account ${login.serviceAccount.namespace}/${login.serviceAccount.name} is not authorized` };
  }
  if (!login.mayReviewTokens) return { error: `permission denied: tokenreviews.authentication.k8s.io is forbidden for ${login.serviceAccount.namespace}/${login.serviceAccount.name} (no system:auth-delegator binding)` };
  return { policies: role.policies };
}

/** A KV v2 read of one property with a token holding `policies` (ESO's Vault provider reads `<mount>/data/<path>`). */
export function readProperty(vault: VaultState, policies: readonly string[], kvMount: string, path: string, property: string): string | undefined {
  const down = unavailable(vault);
  if (down) return down;
  if (vault.mounts.get(kvMount) !== 'kv-v2') return `no KV v2 engine mounted at ${kvMount}/`;
  const api = `${kvMount}/data/${path}`;
  if (!policies.some((p) => (vault.policies.get(p) ?? []).some((g) => pathMatches(g, api)))) return `permission denied reading ${api}`;
  const keys = vault.data.get(`${kvMount}/${path}`);
  if (!keys) return `Secret does not exist: ${kvMount}/${path}`;
  if (!keys.has(property)) return `cannot find secret data for key: "${property}" at ${kvMount}/${path}`;
  return undefined;
}
