import type { Project } from '../project/load';
import type { ClusterModel } from '../catalog/layout';
import { DEFAULT_ESO_ROLE, DEFAULT_ESO_SERVICE_ACCOUNT } from '../catalog/layout';
import type { FixtureKeySpec } from '../catalog/fixtures';
import { isProductionTier } from '../catalog/types';
import { Diagnostic, UserError } from '../errors';

/**
 * What the bootstrap scripts configure in one cluster's Vault, as data. The scripts are fixed
 * POSIX shell; everything that depends on the catalog travels in this plan (`bootstrap.json` in the
 * script ConfigMap), so nothing from the catalog is ever interpolated into shell code.
 */
export interface BootstrapPlan {
  readonly cluster: string;
  readonly kvMount: string;
  readonly authMount: string;
  /** `kubernetes_host` of the Kubernetes auth method: the API server as Vault reaches it. */
  readonly kubernetesHost: string;
  readonly policies: readonly PolicyPlan[];
  readonly roles: readonly RolePlan[];
  /** Capabilities the production bootstrap token needs, per Vault API path (checked with `sys/capabilities-self`). */
  readonly capabilities: readonly CapabilityRequirement[];
}

/** An ACL policy as written to `sys/policies/acl/<name>`. */
export interface PolicyPlan {
  readonly name: string;
  readonly body: {
    /** HCL text, compared verbatim with what Vault holds so an unchanged policy is not rewritten. */
    readonly policy: string;
  };
}

/** A Kubernetes auth role as written to `auth/<mount>/role/<name>`. */
export interface RolePlan {
  readonly name: string;
  readonly body: {
    readonly bound_service_account_names: readonly string[];
    readonly bound_service_account_namespaces: readonly string[];
    readonly token_policies: readonly string[];
    /** Seconds. */
    readonly token_ttl: number;
  };
}

export interface CapabilityRequirement {
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** The fixture map of one cluster (`fixtures.json` in the fixture ConfigMap): never values except non-secret literals. */
export interface FixturePlan {
  readonly paths: readonly FixturePathPlan[];
}

export interface FixturePathPlan {
  /** Path relative to the KV mount. */
  readonly path: string;
  readonly keys: readonly FixtureKeyPlan[];
}

export interface FixtureKeyPlan {
  readonly key: string;
  readonly generate?: 'deterministic' | 'random';
  /** Characters of a generated value. */
  readonly length?: number;
  /** A non-secret literal (validation refuses literals on credential-like keys). */
  readonly value?: string;
}

/** @see https://developer.hashicorp.com/vault/docs/auth/kubernetes#configuration */
export const DEFAULT_KUBERNETES_HOST = 'https://kubernetes.default.svc:443';
export const DEFAULT_GENERATED_LENGTH = 32;
/** One hour: External Secrets Operator logs in again when its token expires. */
export const DEFAULT_ROLE_TOKEN_TTL_SECONDS = 3600;
/** Prefix of the per-environment, per-service policies and roles the bootstrap owns. */
export const POLICY_PREFIX = 'secretops';

/**
 * Vault paths and names the scripts put into URLs and curl config files: plain segments only, so
 * nothing needs quoting or encoding in the cluster.
 */
const SAFE_VAULT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

function unsafePath(value: string, where: Omit<Diagnostic, 'message'>, what: string): Diagnostic[] {
  if (SAFE_VAULT_PATH.test(value)) return [];
  return [{ ...where, message: `${what} "${value}" is not a plain Vault path the bootstrap can use`, hint: 'use letters, digits, ".", "_", "-" and "/" between segments' }];
}

export interface BootstrapPlanOptions {
  /** @default "https://kubernetes.default.svc:443" */
  readonly kubernetesHost?: string;
}

/** `secretops-dev-agents`: the read-only policy of one service in one environment. */
export function policyName(environment: string, service: string): string {
  return `${POLICY_PREFIX}-${environment}-${service}`;
}

/** Services that read platform secrets from Vault in a cluster (project/user levels never do). */
function vaultServices(project: Project) {
  return project.catalog.spec.services.filter((s) => s.workload !== false && s.secrets.some((sec) => sec.level === 'platform'));
}

/**
 * Policies and roles for every environment on the cluster: per environment and service, a policy
 * that may read exactly the KV v2 paths the resolver tries for that service (environment and
 * shared paths) and a role binding the External Secrets service account to it; plus the store role
 * (`spec.vault.role`) that the ClusterSecretStore logs in with, holding every policy of the cluster.
 */
export function bootstrapPlan(project: Project, cluster: ClusterModel, opts: BootstrapPlanOptions = {}): BootstrapPlan {
  const { vault } = project.catalog.spec;
  const file = project.source.file;
  const problems = [
    ...unsafePath(vault.kvMount, { file, pointer: '/spec/vault/kvMount' }, 'kvMount'),
    ...unsafePath(vault.authMount, { file, pointer: '/spec/vault/authMount' }, 'authMount'),
    ...unsafePath(vault.role ?? DEFAULT_ESO_ROLE, { file, pointer: '/spec/vault/role' }, 'role'),
  ];
  if (problems.length > 0) throw new UserError(problems);
  const sa = vault.serviceAccount ?? DEFAULT_ESO_SERVICE_ACCOUNT;
  const roleBody = (policies: readonly string[]) => ({
    bound_service_account_names: [sa.name],
    bound_service_account_namespaces: [sa.namespace],
    token_policies: policies,
    token_ttl: DEFAULT_ROLE_TOKEN_TTL_SECONDS,
  });
  const policies: PolicyPlan[] = [];
  const roles: RolePlan[] = [];
  for (const env of cluster.environments) {
    for (const service of vaultServices(project)) {
      const paths = new Set<string>();
      for (const r of project.resolver.resolveEnvironment(env.name, { service: service.name })) {
        for (const c of r.tried) if (c.vault) paths.add(c.vault.path);
      }
      if (paths.size === 0) continue;
      const name = policyName(env.name, service.name);
      policies.push({ name, body: { policy: readPolicy(vault.kvMount, env.name, service.name, [...paths].sort()) } });
      roles.push({ name, body: roleBody([name]) });
    }
  }
  const storeRole: RolePlan = { name: vault.role ?? DEFAULT_ESO_ROLE, body: roleBody(policies.map((p) => p.name)) };
  const auth = vault.authMount;
  const capabilities: CapabilityRequirement[] = [
    { path: `sys/mounts/${vault.kvMount}`, capabilities: ['read', 'create', 'update'] },
    // Vault requires sudo to read or enable an auth method.
    { path: `sys/auth/${auth}`, capabilities: ['read', 'create', 'update', 'sudo'] },
    { path: `auth/${auth}/config`, capabilities: ['read', 'create', 'update'] },
    ...policies.map((p) => ({ path: `sys/policies/acl/${p.name}`, capabilities: ['read', 'create', 'update'] })),
    ...[storeRole, ...roles].map((r) => ({ path: `auth/${auth}/role/${r.name}`, capabilities: ['read', 'create', 'update'] })),
  ];
  return {
    cluster: cluster.name,
    kvMount: vault.kvMount,
    authMount: auth,
    kubernetesHost: opts.kubernetesHost ?? DEFAULT_KUBERNETES_HOST,
    policies,
    roles: [storeRole, ...roles],
    capabilities,
  };
}

function readPolicy(kvMount: string, environment: string, service: string, paths: readonly string[]): string {
  const lines = [`# Generated by secretops: read-only access of service "${service}" in environment "${environment}".`];
  for (const p of paths) lines.push(`path "${kvMount}/data/${p}" {`, `  capabilities = ["read"]`, `}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Every fixture of the cluster's non-production environments, one entry per Vault path and key.
 * Environments share paths (`shared/...`); where two environments on one cluster declare the same
 * path and key differently, the first environment in catalog order wins, as it would in Vault.
 */
export function fixturePlan(project: Project, cluster: ClusterModel): FixturePlan {
  const byPath = new Map<string, Map<string, FixtureKeyPlan>>();
  const problems: Diagnostic[] = [];
  for (const env of cluster.environments) {
    if (isProductionTier(env.tier)) continue;
    const inventory = project.fixtures.inventories.get(env.name);
    for (const e of inventory?.entries() ?? []) {
      if (!byPath.has(e.path)) problems.push(...unsafePath(e.path, { file: e.file, pointer: e.pointer }, 'fixture path'));
      const keys = byPath.get(e.path) ?? new Map<string, FixtureKeyPlan>();
      byPath.set(e.path, keys);
      if (!keys.has(e.key)) keys.set(e.key, fixtureKey(e.key, e.spec));
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  const sorted = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    paths: [...byPath.keys()].sort(sorted).map((path) => ({
      path,
      keys: [...byPath.get(path)!.values()].sort((a, b) => sorted(a.key, b.key)),
    })),
  };
}

function fixtureKey(key: string, spec: FixtureKeySpec): FixtureKeyPlan {
  if (spec.value !== undefined) return { key, value: spec.value };
  return { key, generate: spec.generate ?? 'deterministic', length: spec.length ?? DEFAULT_GENERATED_LENGTH };
}

/**
 * The ACL policy of the production bootstrap token: exactly the capabilities the plan needs, so the
 * runbook's `vault policy write` and the script's `sys/capabilities-self` check cannot drift apart.
 * The token also needs Vault's `default` policy (token lookup-self and capabilities-self).
 */
export function bootstrapTokenPolicy(plan: BootstrapPlan): string {
  const lines = [`# Generated by secretops: the scoped token of the production Vault bootstrap of cluster "${plan.cluster}".`];
  for (const req of plan.capabilities) {
    lines.push(`path "${req.path}" {`, `  capabilities = [${req.capabilities.map((c) => `"${c}"`).join(', ')}]`, `}`);
  }
  return `${lines.join('\n')}\n`;
}
