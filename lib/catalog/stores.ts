import type { ClusterModel } from './layout';
import { DEFAULT_ESO_ROLE, environmentInstances, serviceNamespace } from './layout';
import type { EnvironmentSpec, ServiceCatalog, ServiceSpec } from './types';

/**
 * Which ClusterSecretStores a cluster gets and which namespaces may use each (`spec.vault.isolation`).
 *
 * `environment` (the default): one store per environment, `<store>-<environment>`, whose ESO
 * `spec.conditions` admit only the namespaces of that environment's instances and whose Vault role
 * (`<role>-<environment>`) holds only the policies of that environment's services; and one store per
 * namespace of infrastructure singletons, `<store>-<namespace>`, for what those singletons read. ESO
 * refuses an ExternalSecret in a namespace a ClusterSecretStore's conditions do not admit, and Vault
 * refuses a path the role's policies do not cover, so a namespace of `dev` cannot read `ai/` or
 * `shared/oauth2-proxy`.
 * @see https://external-secrets.io/latest/api/clustersecretstore/ (spec.conditions)
 *
 * `shared`: the single store `spec.vault.store`, usable from every namespace, whose role
 * (`spec.vault.role`) holds every policy of the cluster.
 */

/** What one store's Vault role may read: the policies of these services in these environments. */
export interface StoreGrant {
  readonly environment: string;
  readonly service: string;
}

export interface StoreModel {
  /** Name of the ClusterSecretStore. */
  readonly name: string;
  /** Vault Kubernetes-auth role the store logs in with. */
  readonly role: string;
  /** Namespaces allowed to use the store (ESO conditions); undefined for the shared store (every namespace). */
  readonly namespaces?: readonly string[];
  /** Set on an environment's store. */
  readonly environment?: string;
  /** Set on a singleton namespace's store. */
  readonly singletonNamespace?: string;
  readonly grants: readonly StoreGrant[];
}

export function isolationMode(catalog: ServiceCatalog): 'environment' | 'shared' {
  return catalog.spec.vault.isolation ?? 'environment';
}

function storeRole(catalog: ServiceCatalog): string {
  return catalog.spec.vault.role ?? DEFAULT_ESO_ROLE;
}

/** Services whose platform secrets reach a cluster through Vault (project and user levels never do). */
function vaultServices(catalog: ServiceCatalog): ServiceSpec[] {
  return catalog.spec.services.filter((s) => s.workload !== false && s.secrets.some((sec) => sec.level === 'platform'));
}

/** The store an environment-scoped service of `env` reads through. */
export function environmentStoreName(catalog: ServiceCatalog, env: EnvironmentSpec): string {
  return isolationMode(catalog) === 'shared' ? catalog.spec.vault.store : `${catalog.spec.vault.store}-${env.name}`;
}

/** The store an infrastructure singleton in `namespace` reads through. */
export function singletonStoreName(catalog: ServiceCatalog, namespace: string): string {
  return isolationMode(catalog) === 'shared' ? catalog.spec.vault.store : `${catalog.spec.vault.store}-${namespace}`;
}

/** Every store of a cluster, environments first (catalog order), then singleton namespaces (sorted). */
export function clusterStores(catalog: ServiceCatalog, cluster: ClusterModel): StoreModel[] {
  const services = vaultServices(catalog);
  if (isolationMode(catalog) === 'shared') {
    return [
      {
        name: catalog.spec.vault.store,
        role: storeRole(catalog),
        grants: cluster.environments.flatMap((env) => services.map((s) => ({ environment: env.name, service: s.name }))),
      },
    ];
  }
  const out: StoreModel[] = [];
  const envScoped = services.filter((s) => s.scope === 'environment');
  for (const env of cluster.environments) {
    const namespaces = new Set<string>();
    for (const inst of environmentInstances(env)) for (const s of envScoped) namespaces.add(serviceNamespace(s, inst));
    if (envScoped.length === 0) continue;
    out.push({
      name: environmentStoreName(catalog, env),
      role: `${storeRole(catalog)}-${env.name}`,
      namespaces: [...namespaces].sort(),
      environment: env.name,
      grants: envScoped.map((s) => ({ environment: env.name, service: s.name })),
    });
  }
  const byNamespace = new Map<string, ServiceSpec[]>();
  for (const s of services) {
    if (s.scope !== 'infrastructure-singleton') continue;
    const ns = serviceNamespace(s, environmentInstances(cluster.environments[0]!)[0]!);
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), s]);
  }
  for (const ns of [...byNamespace.keys()].sort()) {
    out.push({
      name: singletonStoreName(catalog, ns),
      role: `${storeRole(catalog)}-${ns}`,
      namespaces: [ns],
      singletonNamespace: ns,
      grants: cluster.environments.flatMap((env) => byNamespace.get(ns)!.map((s) => ({ environment: env.name, service: s.name }))),
    });
  }
  return out;
}
