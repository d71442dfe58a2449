import { basename } from 'node:path';
import type { ApiObjectMetadata } from 'cdk8s';
import type { Project } from '../catalog/load';
import type { ClusterModel } from '../catalog/layout';
import { BOOTSTRAP_MOUNT_DIR, BOOTSTRAP_SCRIPT_FILE } from '../bootstrap/script-common';
import { Annotations, Labels, MANAGED_BY } from './metadata';

/**
 * What the dev and production bootstrap constructs share: names, metadata, the container's
 * security settings and the default image.
 */

/** Any image with `sh`, `curl`, `jq` and `openssl` works; the script checks for them first. */
export const DEFAULT_BOOTSTRAP_IMAGE = 'docker.io/nicolaka/netshoot:v0.14';
export const BOOTSTRAP_NAME = 'vault-bootstrap';
export const BOOTSTRAP_COMPONENT = 'vault-bootstrap';
/** The bootstrap stage of the Argo CD sync waves: after the foundation, before ExternalSecrets. */
export const BOOTSTRAP_SYNC_WAVE = -20;
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** The user the container runs as (the image's own user may be root). */
const RUN_AS = 65532;

export interface BootstrapContext {
  readonly project: Project;
  readonly cluster: ClusterModel;
}

/** Labels and annotations of the metadata contract; every object traces back to `spec.vault`. */
export function bootstrapMetadata(ctx: BootstrapContext, name: string, annotations: Record<string, string> = {}): ApiObjectMetadata {
  return {
    name,
    namespace: ctx.project.catalog.spec.vault.namespace,
    labels: {
      [Labels.component]: BOOTSTRAP_COMPONENT,
      [Labels.managedBy]: MANAGED_BY,
      [Labels.name]: BOOTSTRAP_NAME,
      [Labels.partOf]: ctx.project.catalog.metadata.name,
    },
    annotations: sorted({
      [Annotations.cluster]: ctx.cluster.name,
      [Annotations.generated]: 'true',
      [Annotations.source]: `${basename(ctx.project.source.file)}#/spec/vault`,
      [SYNC_WAVE_ANNOTATION]: String(BOOTSTRAP_SYNC_WAVE),
      ...annotations,
    }),
  };
}

function sorted(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]!]));
}

export interface VolumeMountSpec {
  readonly name: string;
  readonly mountPath: string;
}

/**
 * The pod template both bootstraps run: non-root, read-only root filesystem, no privilege, and a
 * memory-backed /tmp so generated values and tokens never reach a node's disk.
 */
export function bootstrapPodSpec(opts: {
  readonly image: string;
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly volumes: readonly Record<string, unknown>[];
  readonly volumeMounts: readonly VolumeMountSpec[];
  readonly env?: readonly Record<string, unknown>[];
}): Record<string, unknown> {
  return {
    serviceAccountName: opts.serviceAccountName,
    automountServiceAccountToken: opts.automountServiceAccountToken,
    restartPolicy: 'Never',
    securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'bootstrap',
        image: opts.image,
        command: ['/bin/sh', `${BOOTSTRAP_MOUNT_DIR}/${BOOTSTRAP_SCRIPT_FILE}`],
        env: [{ name: 'TMPDIR', value: '/tmp' }, ...(opts.env ?? [])],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [...opts.volumeMounts.map((m) => ({ ...m, readOnly: true })), { name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [...opts.volumes, { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
  };
}
