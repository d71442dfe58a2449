import type { CoreV1Api, V1EnvVar, V1Secret } from '@kubernetes/client-node';
import { Labels, MANAGED_BY } from '../constructs/metadata';
import { ExitCode, UserError } from '../errors';
import { apiStatus, kubeFailure } from '../kube/client';
import { AccessKeyLabels } from './kubernetes-store';
import type { AccessKeyScope } from './scope';

/** The variable a run reads its key from, and the key of the Secret that holds it. */
export const RUN_ACCESS_KEY_ENV = 'SECRETOPS_RUN_ACCESS_KEY';
export const RUN_KEY_COMPONENT = 'run-access-key';

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `secretops-run-key-<run id>`, lower-cased with `_` folded to `-` (Secret names are DNS subdomains). */
export function runKeySecretName(runId: string): string {
  return `secretops-run-key-${runId.toLowerCase().replace(/_/g, '-')}`.replace(/[-.]+$/, '');
}

/**
 * The env entry for a run's Job or Pod: `SECRETOPS_RUN_ACCESS_KEY` from the Secret that
 * `--output-secret` wrote, by `secretKeyRef`. Never a literal value.
 */
export function runAccessKeyEnv(secretName: string): V1EnvVar & { valueFrom: { secretKeyRef: { name: string; key: string } } } {
  checkSecretName(secretName);
  return { name: RUN_ACCESS_KEY_ENV, valueFrom: { secretKeyRef: { name: secretName, key: RUN_ACCESS_KEY_ENV } } };
}

function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw new UserError({ message: `"${name}" is not a valid Secret name`, hint: 'use lower-case letters, digits, `-` and `.`' }, ExitCode.usage);
  }
}

/**
 * Writes the plaintext key into the run's Secret (created, or replaced when it exists, e.g. after
 * a regenerate), labelled with the run and key id. The key reaches the cluster only in the request
 * body; errors say what failed, never the body.
 */
export async function writeRunKeySecret(
  core: CoreV1Api,
  opts: { readonly name: string; readonly scope: AccessKeyScope; readonly keyId: string; readonly key: string },
): Promise<void> {
  checkSecretName(opts.name);
  const namespace = opts.scope.namespace;
  const body: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: opts.name,
      namespace,
      labels: {
        [Labels.managedBy]: MANAGED_BY,
        [Labels.component]: RUN_KEY_COMPONENT,
        [AccessKeyLabels.runId]: opts.scope.runId,
        [AccessKeyLabels.keyId]: opts.keyId,
      },
    },
    data: { [RUN_ACCESS_KEY_ENV]: Buffer.from(opts.key, 'utf8').toString('base64') },
  };
  const what = `write Secret ${opts.name} in namespace ${namespace}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await core.createNamespacedSecret({ namespace, body });
      return;
    } catch (err) {
      if (apiStatus(err) !== 409) throw kubeFailure(err, what);
    }
    try {
      const current = await core.readNamespacedSecret({ name: opts.name, namespace });
      await core.replaceNamespacedSecret({ name: opts.name, namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } });
      return;
    } catch (err) {
      const status = apiStatus(err);
      if (status !== 409 && status !== 404) throw kubeFailure(err, what);
    }
  }
  throw new UserError({ message: `could not ${what}: it kept changing concurrently`, hint: 'retry' }, ExitCode.usage);
}
