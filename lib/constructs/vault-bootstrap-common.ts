import { basename } from 'node:path';
import type { ApiObjectMetadata } from 'cdk8s';
import type { Project } from '../project/load';
import type { ClusterModel } from '../catalog/layout';
import { BOOTSTRAP_MOUNT_DIR, BOOTSTRAP_SCRIPT_FILE } from '../bootstrap/script-common';
import { Annotations, Labels, MANAGED_BY } from './metadata';
import { DEFAULT_IMAGES } from '../catalog/images';
import { isHttps, vaultCaProvider, vaultServerFor } from '../catalog/vault-tls';

/**
 * What the dev and production bootstrap constructs share: names, metadata, the container's
 * security settings and the default image.
 */

/** Any image with `sh`, `curl`, `jq` and busybox's od, tr, awk, sha256sum, wc works; the script checks first. */
export const DEFAULT_BOOTSTRAP_IMAGE = DEFAULT_IMAGES.bootstrap;
export const BOOTSTRAP_NAME = 'vault-bootstrap';
export const BOOTSTRAP_COMPONENT = 'vault-bootstrap';
/** The ConfigMap with the script (`bootstrap.sh`) and its plan (`bootstrap.json`). */
export const BOOTSTRAP_SCRIPT_CONFIG_MAP = 'vault-bootstrap-script';
/** The bootstrap stage of the Argo CD sync waves: after the foundation, before ExternalSecrets. */
export const BOOTSTRAP_SYNC_WAVE = -20;
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** The Job and CronJob go one wave after their ServiceAccount, RBAC and ConfigMaps, still before the secrets wave. */
export const BOOTSTRAP_RUN_SYNC_WAVE = BOOTSTRAP_SYNC_WAVE + 1;
/**
 * The Vault ClusterSecretStore goes one wave after the bootstrap run, in the same Application: ESO
 * validates a store by logging in to Vault, which works only once the bootstrap configured the
 * kubernetes auth method and the store role, and Argo CD's built-in ClusterSecretStore health check
 * waits for that (Ready). In an earlier step or wave the rollout would wait for itself.
 */
export const STORE_SYNC_WAVE = BOOTSTRAP_RUN_SYNC_WAVE + 1;
/** The user the container runs as (the image's own user may be root). */
const RUN_AS = 65532;

/** What every Vault bootstrap construct takes. */
export interface VaultBootstrapProps {
  /** The cluster the bootstrap runs in. */
  readonly cluster: ClusterModel;
  /** The validated catalog, fixtures and resolver. */
  readonly project: Project;
  /**
   * An image with `sh`, `curl`, `jq` (and, for dev, od, tr, awk, sha256sum, wc).
   * @default - `spec.vault.bootstrap.image`, else `spec.images.bootstrap`, else DEFAULT_IMAGES.bootstrap (lib/catalog/images.ts)
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

/** Where the bootstrap mounts the CA of an `https://` Vault; the scripts read VAULT_CACERT. */
export const VAULT_CA_MOUNT_DIR = '/etc/secretops/vault-ca';

/**
 * For an `https://` Vault: the catalog's CA (`spec.vault.tls.caProvider`) mounted into the pod and
 * `VAULT_CACERT` pointing curl at it. A pod mounts objects of its own namespace only, so the CA
 * Secret or ConfigMap must exist in the Vault namespace under that name (the default does).
 */
export function vaultCaPodOptions(ctx: BootstrapContext): Pick<BootstrapPodOptions, 'volumes' | 'volumeMounts' | 'env'> {
  const { catalog } = ctx.project;
  if (!isHttps(vaultServerFor(catalog, ctx.cluster.name))) return { volumes: [], volumeMounts: [], env: [] };
  const ca = vaultCaProvider(catalog);
  const items = [{ key: ca.key, path: 'ca.crt' }];
  return {
    volumes: [{ name: 'vault-ca', ...(ca.type === 'Secret' ? { secret: { secretName: ca.name, items } } : { configMap: { name: ca.name, items } }) }],
    volumeMounts: [{ name: 'vault-ca', mountPath: VAULT_CA_MOUNT_DIR }],
    env: [{ name: 'VAULT_CACERT', value: `${VAULT_CA_MOUNT_DIR}/ca.crt` }],
  };
}

/** The Job both bootstraps run (the dev CronJob's template and the production Job): bounded retries and run time. */
export function bootstrapJobSpec(ctx: BootstrapContext, backoffLimit: number, given: BootstrapPodOptions): Record<string, unknown> {
  const ca = vaultCaPodOptions(ctx);
  const pod: BootstrapPodOptions = {
    ...given,
    volumes: [...given.volumes, ...ca.volumes],
    volumeMounts: [...given.volumeMounts, ...ca.volumeMounts],
    env: [...(given.env ?? []), ...(ca.env ?? [])],
  };
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
