import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, V1Secret } from '@kubernetes/client-node';
import { apiStatus } from '../kube/client';
import { Labels, MANAGED_BY } from '../constructs/metadata';
import { RetryOptions, withRetry } from './retry';
import type { KubernetesDestination } from './target';

/** Lists the keys of a Secret that secretops wrote (comma-separated, sorted). */
export const OWNED_KEYS_ANNOTATION = 'secretops.dev/owned-keys';

export type KubernetesWriteResult = 'created' | 'updated' | 'unchanged';

/** A Kubernetes failure, described by status and reason only (server messages can quote input). */
export class KubernetesError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly reason: string,
    operation: string,
  ) {
    super(`kubernetes: ${operation} failed: ${status ?? 'network error'} ${reason}`);
    this.name = 'KubernetesError';
  }
}

function describe(err: unknown, operation: string): KubernetesError {
  if (err instanceof KubernetesError) return err;
  if (err instanceof ApiException) {
    let body = err.body as unknown;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        body = undefined;
      }
    }
    const reason = (body as { reason?: unknown } | undefined)?.reason;
    return new KubernetesError(err.code, typeof reason === 'string' && /^[A-Za-z]+$/.test(reason) ? reason : 'Error', operation);
  }
  const code = (err as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (err as { code?: unknown })?.code;
  return new KubernetesError(undefined, typeof code === 'string' ? code : 'connection failed', operation);
}

/** 409 (stale resourceVersion or a concurrent create), 429, 5xx and network errors are worth another try. */
function retryable(err: unknown): boolean {
  const s = err instanceof KubernetesError ? err.status : apiStatus(err);
  return s === undefined || s === 409 || s === 429 || s >= 500;
}

function decode(b64: string | undefined): Buffer | undefined {
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
}

/** Reads and writes single keys of Secrets, leaving every other key alone. */
export class KubernetesSecrets {
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly retry: RetryOptions = {},
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** The Secret, or undefined when it does not exist. */
  async read(namespace: string, name: string): Promise<V1Secret | undefined> {
    return withRetry(
      async () => {
        try {
          return await this.core.readNamespacedSecret({ name, namespace });
        } catch (err) {
          if (apiStatus(err) === 404) return undefined;
          throw describe(err, `read secret ${namespace}/${name}`);
        }
      },
      retryable,
      this.retry,
    );
  }

  /** The value of one key, or undefined (no Secret or no key). */
  async readKey(namespace: string, name: string, key: string): Promise<string | undefined> {
    return decode((await this.read(namespace, name))?.data?.[key])?.toString('utf8');
  }

  /**
   * Writes one key. Creates the Secret when absent (labelled as secretops's); otherwise a JSON
   * merge patch of that key and the owned-keys annotation, guarded by the resourceVersion just
   * read, so a concurrent change is a 409 and we read again rather than overwrite it. Nothing is
   * written when the key already holds the value and is marked as ours.
   */
  async writeKey(dest: KubernetesDestination, value: string, environment: string): Promise<KubernetesWriteResult> {
    const encoded = Buffer.from(value, 'utf8').toString('base64');
    const { namespace, secret: name, key } = dest;
    return withRetry(
      async () => {
        const current = await this.read(namespace, name);
        try {
          if (!current) {
            await this.core.createNamespacedSecret({
              namespace,
              body: {
                apiVersion: 'v1',
                kind: 'Secret',
                type: 'Opaque',
                metadata: {
                  name,
                  namespace,
                  labels: { [Labels.managedBy]: MANAGED_BY },
                  annotations: { [OWNED_KEYS_ANNOTATION]: key, 'secretops.dev/environment': environment },
                },
                data: { [key]: encoded },
              },
            });
            return 'created';
          }
          const owned = new Set((current.metadata?.annotations?.[OWNED_KEYS_ANNOTATION] ?? '').split(',').filter(Boolean));
          const same = decode(current.data?.[key])?.equals(Buffer.from(value, 'utf8')) ?? false;
          if (same && owned.has(key)) return 'unchanged';
          owned.add(key);
          await this.core.patchNamespacedSecret(
            {
              name,
              namespace,
              body: {
                metadata: { resourceVersion: current.metadata?.resourceVersion, annotations: { [OWNED_KEYS_ANNOTATION]: [...owned].sort().join(',') } },
                ...(same ? {} : { data: { [key]: encoded } }),
              },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
          return same ? 'unchanged' : 'updated';
        } catch (err) {
          throw describe(err, `${current ? 'patch' : 'create'} secret ${namespace}/${name}`);
        }
      },
      retryable,
      this.retry,
    );
  }
}
