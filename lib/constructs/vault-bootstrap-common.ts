import { basename } from 'node:path';
import type { ApiObjectMetadata } from 'cdk8s';
import type { Project } from '../project/load';
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
/** The ConfigMap with the script (`bootstrap.sh`) and its plan (`bootstrap.json`). */
export const BOOTSTRAP_SCRIPT_CONFIG_MAP = 'vault-bootstrap-script';
/** The bootstrap stage of the Argo CD sync waves: after the foundation, before ExternalSecrets. */
export const BOOTSTRAP_SYNC_WAVE = -20;
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** The Job and CronJob go one wave after their ServiceAccount, RBAC and ConfigMaps, still before the secrets wave. */
export const BOOTSTRAP_RUN_SYNC_WAVE = BOOTSTRAP_SYNC_WAVE + 1;
/** The user the container runs as (the image's own user may be root). */
const RUN_AS = 65532;

/** What every Vault bootstrap construct takes. */
export interface VaultBootstrapProps {
  /** The cluster the bootstrap runs in. */
  readonly cluster: ClusterModel;
  /** The validated catalog, fixtures and resolver. */
  readonly project: Project;
  /**
   * An image with `sh`, `curl`, `jq` and `openssl`.
   * @default - `spec.vault.bootstrap.image`, else "docker.io/nicolaka/netshoot:v0.14"
   */
  readonly image?: string;
  /**
   * The API server as Vault's kubernetes auth method reaches it.
   * @default "https://kubernetes.default.svc:443"
   */
  readonly kubernetesHost?: string;
}

/** Throws, naming the construct and prop, unless `value` is an integer from 0 to 10. */
export function checkSmallCount(construct: string, prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 10) throw new Error(`${construct}: '${prop}' (${value}) must be an integer from 0 to 10`);
  return value;
}

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

export interface BootstrapPodOptions {
  readonly image: string;
  readonly automountServiceAccountToken: boolean;
  /** Volumes besides the script ConfigMap and /tmp. */
  readonly volumes: readonly Record<string, unknown>[];
  readonly volumeMounts: readonly VolumeMountSpec[];
  readonly env?: readonly Record<string, unknown>[];
}

/** The Job both bootstraps run (the dev CronJob's template and the production Job): bounded retries and run time. */
export function bootstrapJobSpec(ctx: BootstrapContext, backoffLimit: number, pod: BootstrapPodOptions): Record<string, unknown> {
  return {
    backoffLimit,
    activeDeadlineSeconds: 900,
    template: { metadata: { labels: bootstrapMetadata(ctx, BOOTSTRAP_NAME).labels }, spec: bootstrapPodSpec(pod) },
  };
}

/**
 * The pod both bootstraps run: the script ConfigMap mounted read-only, non-root, read-only root
 * filesystem, no privilege, and a memory-backed /tmp so generated values and tokens never reach a
 * node's disk.
 */
function bootstrapPodSpec(opts: BootstrapPodOptions): Record<string, unknown> {
  const volumes = [{ name: 'script', configMap: { name: BOOTSTRAP_SCRIPT_CONFIG_MAP } }, ...opts.volumes];
  const volumeMounts = [{ name: 'script', mountPath: BOOTSTRAP_MOUNT_DIR }, ...opts.volumeMounts];
  return {
    serviceAccountName: BOOTSTRAP_NAME,
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
        volumeMounts: [...volumeMounts.map((m) => ({ ...m, readOnly: true })), { name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [...volumes, { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
  };
}
