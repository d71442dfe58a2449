import type { EnvironmentSpec, ServiceCatalog, ServiceSpec, VaultPathLayout } from './types';
import { isProductionTier } from './types';
import { ownValue } from '../own';

/** Documented defaults for the Vault path layout (relative to the KV mount). */
export const DEFAULT_PATH_LAYOUT: VaultPathLayout = {
  environment: '{environment}/{service}',
  shared: 'shared/{service}',
};

/** Where External Secrets Operator logs in from, unless the catalog says otherwise. */
export const DEFAULT_ESO_SERVICE_ACCOUNT = { name: 'external-secrets', namespace: 'external-secrets' } as const;
export const DEFAULT_ESO_ROLE = 'external-secrets';
/** Infrastructure singletons live here unless the service names a namespace. */
export const DEFAULT_SINGLETON_NAMESPACE = 'platform';
/** An environment-scoped service lives in its environment instance's namespace unless it names one. */
export const DEFAULT_SERVICE_NAMESPACE_TEMPLATE = '{instance}';

export function pathLayout(catalog: ServiceCatalog): VaultPathLayout {
  return { ...DEFAULT_PATH_LAYOUT, ...(catalog.spec.vault.paths ?? {}) };
}

export interface PathContext {
  readonly environment: string;
  readonly service: string;
  readonly secret: string;
  readonly cluster: string;
}

/** Fills `{environment}`, `{service}`, `{secret}`, `{cluster}` in a path template. */
export function fillTemplate(template: string, ctx: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (name in ctx ? ctx[name]! : whole));
}

export function environmentPath(catalog: ServiceCatalog, ctx: PathContext): string {
  return fillTemplate(pathLayout(catalog).environment, { ...ctx });
}

export function sharedPath(catalog: ServiceCatalog, ctx: PathContext): string {
  return fillTemplate(pathLayout(catalog).shared, { ...ctx });
}

/** `secret/ai/agents#DATABASE_URL`: how a Vault location is shown to people. */
export function formatVaultLocation(kvMount: string, path: string, property: string): string {
  return `${kvMount}/${path}#${property}`;
}

/** One running copy of an environment: the environment itself, or one of its slots. */
export interface EnvironmentInstance {
  readonly environment: EnvironmentSpec;
  /** `dev`, or `ai-slot-2` for slot 2 of `ai`. */
  readonly name: string;
  readonly slot?: number;
}

export function environmentInstances(env: EnvironmentSpec): EnvironmentInstance[] {
  if (!env.slots) return [{ environment: env, name: env.name }];
  return Array.from({ length: env.slots }, (_, i) => ({ environment: env, name: `${env.name}-slot-${i + 1}`, slot: i + 1 }));
}

/** The namespace of an environment-scoped service in one environment instance. */
export function serviceNamespace(service: ServiceSpec, instance: EnvironmentInstance): string {
  if (service.scope === 'infrastructure-singleton') return service.namespace ?? DEFAULT_SINGLETON_NAMESPACE;
  return fillTemplate(service.namespace ?? DEFAULT_SERVICE_NAMESPACE_TEMPLATE, {
    instance: instance.name,
    environment: instance.environment.name,
    service: service.name,
  });
}

export interface ClusterModel {
  readonly name: string;
  readonly environments: readonly EnvironmentSpec[];
  /** True when any environment on the cluster is production tier: no dev bootstrap, no fixtures. */
  readonly production: boolean;
  readonly ingress: 'nginx' | 'traefik';
  readonly ingressClassName?: string;
}

/** Clusters in catalog order of first mention, each with its environments. */
export function clusters(catalog: ServiceCatalog): ClusterModel[] {
  const order: string[] = [];
  const byName = new Map<string, EnvironmentSpec[]>();
  for (const env of catalog.spec.environments) {
    if (!byName.has(env.cluster)) {
      byName.set(env.cluster, []);
      order.push(env.cluster);
    }
    byName.get(env.cluster)!.push(env);
  }
  return order.map((name) => {
    const envs = byName.get(name)!;
    const decl = catalog.spec.clusters?.find((c) => c.name === name);
    return {
      name,
      environments: envs,
      production: envs.some((e) => isProductionTier(e.tier)),
      ingress: decl?.ingress ?? 'nginx',
      ingressClassName: decl?.ingressClassName,
    };
  });
}

/** `ai-staging` -> `ai`; a real environment name maps to itself; unknown -> undefined. */
export function canonicalEnvironment(catalog: ServiceCatalog, name: string): { environment: EnvironmentSpec; alias?: string } | undefined {
  const direct = catalog.spec.environments.find((e) => e.name === name);
  if (direct) return { environment: direct };
  const target = ownValue(catalog.spec.secretResolution?.environmentAliases, name);
  const env = target ? catalog.spec.environments.find((e) => e.name === target) : undefined;
  return env ? { environment: env, alias: name } : undefined;
}
