import type { KubeConfig } from '@kubernetes/client-node';
import { ExitCode, UserError } from '../errors';

/** A condition as ESO reports it. */
export interface ReadyCondition {
  readonly ready: boolean;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * What smoke reads from a cluster. Key names only: the Secret reader drops values as soon as the
 * response is parsed, so nothing downstream can print one.
 */
/** A ClusterSecretStore as found: its Ready condition and which namespaces its conditions admit. */
export interface StoreObservation extends ReadyCondition {
  /**
   * The namespaces its `spec.conditions[].namespaces` list; undefined when it has no conditions (or
   * a selector or regex condition this check does not evaluate), that is, it serves every namespace.
   */
  readonly namespaces?: readonly string[];
}

export interface ClusterReader {
  externalSecret(namespace: string, name: string): Promise<ReadyCondition | undefined>;
  clusterSecretStore(name: string): Promise<StoreObservation | undefined>;
  /** Key names of a Secret, or undefined when it does not exist. */
  secretKeys(namespace: string, name: string): Promise<string[] | undefined>;
}

/** A kubeconfig the usual way: KUBECONFIG or ~/.kube/config (or in-cluster), optionally another context. */
export async function loadKubeConfig(env: NodeJS.ProcessEnv, context?: string): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const saved = process.env.KUBECONFIG;
  try {
    if (env.KUBECONFIG !== undefined) process.env.KUBECONFIG = env.KUBECONFIG;
    kc.loadFromDefault();
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new UserError({ message: `kubeconfig has no context "${context}"`, hint: `use one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}` }, ExitCode.usage);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new UserError({ message: 'no Kubernetes cluster configured', hint: 'set KUBECONFIG or pass --context' }, ExitCode.usage);
  }
  return kc;
}

export async function kubernetesClusterReader(kc: KubeConfig): Promise<ClusterReader> {
  const k8s = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const notFound = (err: unknown) => (err as { code?: number }).code === 404;
  const readyOf = (obj: unknown): ReadyCondition => {
    const conditions = ((obj as { status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] } }).status?.conditions ?? []);
    const c = conditions.find((x) => x.type === 'Ready');
    return { ready: c?.status === 'True', ...(c?.reason ? { reason: c.reason } : {}), ...(c?.message ? { message: c.message } : {}) };
  };
  return {
    async externalSecret(namespace, name) {
      try {
        return readyOf(await custom.getNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1', namespace, plural: 'externalsecrets', name }));
      } catch (err) {
        if (notFound(err)) return undefined;
        throw clusterError(err, `ExternalSecret ${namespace}/${name}`);
      }
    },
    async clusterSecretStore(name) {
      try {
        const store = await custom.getClusterCustomObject({ group: 'external-secrets.io', version: 'v1', plural: 'clustersecretstores', name });
        const namespaces = conditionNamespaces(store);
        return { ...readyOf(store), ...(namespaces ? { namespaces } : {}) };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw clusterError(err, `ClusterSecretStore ${name}`);
      }
    },
    async secretKeys(namespace, name) {
      try {
        const s = await core.readNamespacedSecret({ name, namespace });
        return [...new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})])].sort();
      } catch (err) {
        if (notFound(err)) return undefined;
        throw clusterError(err, `Secret ${namespace}/${name}`);
      }
    },
  };
}

/** The namespaces a store's conditions list, when every condition is a plain namespace list. */
export function conditionNamespaces(store: unknown): string[] | undefined {
  const conditions = (store as { spec?: { conditions?: unknown } }).spec?.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0) return undefined;
  const out = new Set<string>();
  for (const c of conditions as { namespaces?: unknown; namespaceSelector?: unknown; namespaceRegexes?: unknown }[]) {
    if (!Array.isArray(c.namespaces) || c.namespaceSelector !== undefined || c.namespaceRegexes !== undefined) return undefined;
    for (const ns of c.namespaces) if (typeof ns === 'string') out.add(ns);
  }
  return [...out].sort();
}

/** A cluster error as a user error: status code and object, never the response body (it may hold data). */
function clusterError(err: unknown, what: string): UserError {
  const code = (err as { code?: number }).code;
  const reason = code === 401 ? 'unauthorized (check the kubeconfig credentials)' : code === 403 ? 'forbidden (the identity may not read it)' : code ? `HTTP ${code}` : (err as Error).message?.split('\n')[0] ?? 'unreachable';
  return new UserError({ message: `cannot read ${what}: ${reason}`, hint: 'check the cluster is reachable with this kubeconfig and context' }, ExitCode.usage);
}
