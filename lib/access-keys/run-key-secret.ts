import type { CoreV1Api, V1EnvVar, V1Secret } from '@kubernetes/client-node';
import { Labels, MANAGED_BY } from '../constructs/metadata';
import { ExitCode, UserError } from '../errors';
import { apiStatus, kubeFailure } from '../kube/client';
import { AccessKeyLabels } from './kubernetes-store';
import type { AccessKeyScope } from './scope';
import { quoteInput } from '../quote-input';

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
    throw new UserError({ message: `${quoteInput(name)} is not a valid Secret name`, hint: 'use lower-case letters, digits, `-` and `.`' }, ExitCode.usage);
  }
}

/**
 * Why secretops may not replace an existing Secret, or undefined when it may: only a Secret this
 * tool created for the same run (managed-by secretops, component run-access-key, the run's id).
 * Anything else (a workload's credentials that happen to have the name) is someone else's.
 */
export function runKeySecretRefusal(existing: V1Secret, runId: string): string | undefined {
  const labels = existing.metadata?.labels ?? {};
  if (labels[Labels.managedBy] !== MANAGED_BY || labels[Labels.component] !== RUN_KEY_COMPONENT) return 'it was not created by secretops access-key (no run-access-key labels)';
  if (labels[AccessKeyLabels.runId] !== runId) return 'it holds the key of another run';
  return undefined;
}

function refused(name: string, namespace: string, why: string): UserError {
  return new UserError(
    { message: `Secret ${namespace}/${name} exists and ${why}; secretops did not change it`, hint: 'pick another name with --output-secret NAME, or leave the flag bare for secretops-run-key-<run id>' },
    ExitCode.usage,
  );
}

/** Refuses before anything is issued when the run's Secret exists and is not this tool's for the run. */
export async function checkRunKeySecret(core: CoreV1Api, opts: { readonly name: string; readonly namespace: string; readonly runId: string }): Promise<void> {
  checkSecretName(opts.name);
  let existing: V1Secret;
  try {
    existing = await core.readNamespacedSecret({ name: opts.name, namespace: opts.namespace });
  } catch (err) {
    if (apiStatus(err) === 404) return;
    throw kubeFailure(err, `read Secret ${opts.name} in namespace ${opts.namespace}`);
  }
  const why = runKeySecretRefusal(existing, opts.runId);
  if (why) throw refused(opts.name, opts.namespace, why);
}

/**
 * Writes the plaintext key into the run's Secret (created, or replaced when it exists and this
 * tool created it for the same run, e.g. after a regenerate), labelled with the run and key id.
 * Someone else's Secret of that name is never replaced. The key reaches the cluster only in the
 * request body; errors say what failed, never the body.
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
      const why = runKeySecretRefusal(current, opts.scope.runId);
      if (why) throw refused(opts.name, namespace, why);
      await core.replaceNamespacedSecret({ name: opts.name, namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } });
      return;
    } catch (err) {
      if (err instanceof UserError) throw err;
      const status = apiStatus(err);
      if (status !== 409 && status !== 404) throw kubeFailure(err, what);
    }
  }
  throw new UserError({ message: `could not ${what}: it kept changing concurrently`, hint: 'retry' }, ExitCode.usage);
}
