import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { Labels, MANAGED_BY } from '../constructs/metadata';
import { apiStatus, kubeFailure } from '../kube/client';
import type { AccessKeyRecord } from './record';
import { AccessKeyStore, sortRecords, VersionedRecord } from './store';
import { isAccessKeyId } from './key-format';

/** Labels on every key Secret, so keys of a run can be listed (and cleaned up with the run). */
export const AccessKeyLabels = {
  runId: 'secretops.dev/run-id',
  keyId: 'secretops.dev/access-key-id',
} as const;
export const ACCESS_KEY_COMPONENT = 'access-key';
export const ACCESS_KEY_SECRET_TYPE = 'secretops.dev/access-key';
const RECORD_FIELD = 'record.json';

export function accessKeySecretName(id: string): string {
  return `secretops-access-key-${id}`;
}

/**
 * One Secret per key in the run's namespace (`secretops-access-key-<id>`, type
 * `secretops.dev/access-key`), holding the record (digest and metadata) under `record.json`.
 * One Secret per key rather than per run: a last-used update on one key never conflicts with issuing
 * or revoking another, and RBAC can be granted per namespace as for any Secret. Writes use
 * `replace` with the read resourceVersion, so a concurrent change yields `'conflict'`.
 */
export class KubernetesAccessKeyStore implements AccessKeyStore {
  readonly description: string;

  constructor(
    private readonly core: CoreV1Api,
    readonly namespace: string,
  ) {
    this.description = `Kubernetes namespace ${namespace}`;
  }

  async create(record: AccessKeyRecord): Promise<void> {
    this.assertNamespace(record);
    try {
      await this.core.createNamespacedSecret({ namespace: this.namespace, body: this.secretFor(record) });
    } catch (err) {
      throw kubeFailure(err, `create access key Secret ${accessKeySecretName(record.id)} in namespace ${this.namespace}`);
    }
  }

  async read(id: string): Promise<VersionedRecord | undefined> {
    if (!isAccessKeyId(id)) return undefined;
    let secret: V1Secret;
    try {
      secret = await this.core.readNamespacedSecret({ name: accessKeySecretName(id), namespace: this.namespace });
    } catch (err) {
      if (apiStatus(err) === 404) return undefined;
      throw kubeFailure(err, `read access key Secret ${accessKeySecretName(id)} in namespace ${this.namespace}`);
    }
    const record = recordOf(secret);
    return record ? { record, version: secret.metadata?.resourceVersion ?? '' } : undefined;
  }

  async replace(record: AccessKeyRecord, version: string): Promise<'ok' | 'conflict'> {
    this.assertNamespace(record);
    const name = accessKeySecretName(record.id);
    const body = this.secretFor(record);
    body.metadata!.resourceVersion = version;
    try {
      await this.core.replaceNamespacedSecret({ name, namespace: this.namespace, body });
      return 'ok';
    } catch (err) {
      if (apiStatus(err) === 409) return 'conflict';
      throw kubeFailure(err, `update access key Secret ${name} in namespace ${this.namespace}`);
    }
  }

  async list(filter: { readonly runId?: string } = {}): Promise<AccessKeyRecord[]> {
    const selector = [`${Labels.component}=${ACCESS_KEY_COMPONENT}`, `${Labels.managedBy}=${MANAGED_BY}`];
    if (filter.runId !== undefined) selector.push(`${AccessKeyLabels.runId}=${filter.runId}`);
    try {
      const list = await this.core.listNamespacedSecret({ namespace: this.namespace, labelSelector: selector.join(',') });
      return sortRecords(list.items.map(recordOf).filter((r): r is AccessKeyRecord => r !== undefined));
    } catch (err) {
      throw kubeFailure(err, `list access key Secrets in namespace ${this.namespace}`);
    }
  }

  private secretFor(record: AccessKeyRecord): V1Secret {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: ACCESS_KEY_SECRET_TYPE,
      metadata: {
        name: accessKeySecretName(record.id),
        namespace: this.namespace,
        labels: {
          [Labels.managedBy]: MANAGED_BY,
          [Labels.component]: ACCESS_KEY_COMPONENT,
          [AccessKeyLabels.runId]: record.scope.runId,
          [AccessKeyLabels.keyId]: record.id,
        },
      },
      data: { [RECORD_FIELD]: Buffer.from(JSON.stringify(record), 'utf8').toString('base64') },
    };
  }

  private assertNamespace(record: AccessKeyRecord): void {
    if (record.scope.namespace !== this.namespace) {
      throw new Error(`access key ${record.id} is scoped to namespace ${record.scope.namespace}, but this store writes to ${this.namespace}`);
    }
  }
}

function recordOf(secret: V1Secret): AccessKeyRecord | undefined {
  const raw = secret.data?.[RECORD_FIELD];
  if (!raw) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as AccessKeyRecord;
  } catch {
    return undefined;
  }
}
