import type { Project } from '../../lib/project/load';
import { canonicalEnvironment, clusters, ClusterModel, environmentInstances, serviceNamespace } from '../../lib/catalog/layout';
import type { EnvironmentSpec, SecretSpec, ServiceSpec } from '../../lib/catalog/types';
import { isProductionTier } from '../../lib/catalog/types';
import { Annotations } from '../../lib/constructs/metadata';
import type { KubeObject } from './k8s/objects';

/**
 * What the catalog says about a scanned object: which environment and cluster it belongs to, and
 * lookups the cross-object rules share. Built once per project and cached.
 *
 * An object's environment comes from, in order: the `secretops.dev/environment` annotation (aliases
 * allowed), the `secretops.dev/instance` annotation, its namespace (the namespaces the catalog gives
 * environment-scoped services in each instance), and its path in the `dist/<cluster>/<instance>/`
 * layout. A namespace shared by several environments (a platform namespace) stays ambiguous.
 */
export interface ObjectPlacement {
  /** Candidate environments, most specific first; one when the placement is certain. */
  readonly environments: readonly EnvironmentSpec[];
  /** The environment instance (`ai-slot-2`, `dev`) when known. */
  readonly instance?: string;
  readonly cluster?: ClusterModel;
  readonly how: 'annotation' | 'instance' | 'namespace' | 'path' | 'unknown';
}

export interface CatalogSecret {
  readonly service: ServiceSpec;
  readonly secret: SecretSpec;
  /** JSON pointer of the secret in the catalog. */
  readonly pointer: string;
}

export class CatalogIndex {
  readonly clusters: readonly ClusterModel[];
  /** Instance name -> environment. */
  private readonly instances = new Map<string, { environment: EnvironmentSpec; slot?: number }>();
  /** Namespace of an environment-scoped service -> environments (and instances) it serves. */
  private readonly namespaces = new Map<string, { environments: Set<EnvironmentSpec>; instances: Set<string> }>();
  readonly secretsByName = new Map<string, CatalogSecret[]>();
  readonly singletons: readonly ServiceSpec[];

  constructor(readonly project: Project) {
    const { catalog } = project;
    this.clusters = clusters(catalog);
    for (const env of catalog.spec.environments) {
      for (const inst of environmentInstances(env)) {
        this.instances.set(inst.name, { environment: env, ...(inst.slot ? { slot: inst.slot } : {}) });
        for (const svc of catalog.spec.services) {
          if (svc.scope !== 'environment' || svc.workload === false) continue;
          const ns = serviceNamespace(svc, inst);
          const entry = this.namespaces.get(ns) ?? { environments: new Set(), instances: new Set() };
          entry.environments.add(env);
          entry.instances.add(inst.name);
          this.namespaces.set(ns, entry);
        }
      }
    }
    catalog.spec.services.forEach((service, si) =>
      service.secrets.forEach((secret, ci) => {
        const list = this.secretsByName.get(secret.name) ?? [];
        list.push({ service, secret, pointer: `/spec/services/${si}/secrets/${ci}` });
        this.secretsByName.set(secret.name, list);
      }),
    );
    this.singletons = catalog.spec.services.filter((s) => s.scope === 'infrastructure-singleton');
  }

  get kvMount(): string {
    return this.project.catalog.spec.vault.kvMount;
  }

  get storeName(): string {
    return this.project.catalog.spec.vault.store;
  }

  environment(name: string): EnvironmentSpec | undefined {
    return canonicalEnvironment(this.project.catalog, name)?.environment;
  }

  cluster(name: string): ClusterModel | undefined {
    return this.clusters.find((c) => c.name === name);
  }

  /** The instance a name denotes (`ai-slot-2`), with its environment and slot number. */
  instance(name: string): { environment: EnvironmentSpec; slot?: number } | undefined {
    return this.instances.get(name);
  }

  /** True for namespaces the catalog gives environment-scoped services in some instance. */
  isInstanceNamespace(ns: string): boolean {
    return this.namespaces.has(ns);
  }

  placement(o: KubeObject): ObjectPlacement {
    const annotatedCluster = o.annotations[Annotations.cluster];
    const withCluster = (p: Omit<ObjectPlacement, 'cluster'>): ObjectPlacement => {
      const fromEnv = p.environments.length > 0 && p.environments.every((e) => e.cluster === p.environments[0]!.cluster) ? p.environments[0]!.cluster : undefined;
      const cluster = this.cluster(annotatedCluster ?? fromEnv ?? '') ?? this.clusterFromPath(o);
      return { ...p, ...(cluster ? { cluster } : {}) };
    };
    const envName = o.annotations[Annotations.environment];
    const env = envName ? this.environment(envName) : undefined;
    const instName = o.annotations[Annotations.instance];
    const inst = instName ? this.instance(instName) : undefined;
    if (env) return withCluster({ environments: [env], ...(inst ? { instance: instName } : {}), how: 'annotation' });
    if (inst) return withCluster({ environments: [inst.environment], instance: instName, how: 'instance' });
    const byNs = o.namespace ? this.namespaces.get(o.namespace) : undefined;
    if (byNs) {
      const envs = [...byNs.environments];
      const only = byNs.instances.size === 1 ? [...byNs.instances][0] : undefined;
      return withCluster({ environments: envs, ...(only ? { instance: only } : {}), how: 'namespace' });
    }
    const fromPath = this.instanceFromPath(o);
    if (fromPath) return withCluster({ environments: [fromPath.environment], instance: fromPath.name, how: 'path' });
    return withCluster({ environments: [], how: 'unknown' });
  }

  /** True when the object belongs to a production-tier environment or to a cluster with one. */
  isProduction(o: KubeObject): boolean {
    const p = this.placement(o);
    if (p.environments.length > 0 && p.environments.every((e) => isProductionTier(e.tier))) return true;
    return p.cluster?.production === true && (p.environments.length === 0 || p.environments.some((e) => isProductionTier(e.tier)));
  }

  /** `dist/<cluster>/...`: a path segment naming a catalog cluster. */
  private clusterFromPath(o: KubeObject): ClusterModel | undefined {
    const segs = o.doc.file.path.split('/');
    for (let i = 0; i < segs.length - 1; i++) {
      const c = this.cluster(segs[i]!);
      if (c) return c;
    }
    return undefined;
  }

  /** `dist/<cluster>/<instance>/...`: an instance segment right after a cluster segment. */
  private instanceFromPath(o: KubeObject): { name: string; environment: EnvironmentSpec } | undefined {
    const segs = o.doc.file.path.split('/');
    for (let i = 0; i < segs.length - 2; i++) {
      if (!this.cluster(segs[i]!)) continue;
      const inst = this.instance(segs[i + 1]!);
      if (inst && inst.environment.cluster === segs[i]) return { name: segs[i + 1]!, environment: inst.environment };
    }
    return undefined;
  }

  /**
   * A KV v2 remote key as a path relative to the mount: ESO accepts `ai/agents`,
   * `secret/ai/agents` and `secret/data/ai/agents` for the same secret.
   */
  normaliseRemoteKey(key: string): string {
    let k = key.replace(/^\/+/, '').replace(/\/+$/, '');
    const mount = this.kvMount.replace(/^\/+|\/+$/g, '');
    if (k.startsWith(`${mount}/`)) {
      k = k.slice(mount.length + 1);
      if (k.startsWith('data/')) k = k.slice(5);
    }
    return k;
  }
}

const cache = new WeakMap<Project, CatalogIndex>();

export function catalogIndex(project: Project): CatalogIndex {
  let idx = cache.get(project);
  if (!idx) {
    idx = new CatalogIndex(project);
    cache.set(project, idx);
  }
  return idx;
}
