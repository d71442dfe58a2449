import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { productionBootstrapFiles, productionTokenSecret } from '../bootstrap/bundle';
import { BOOTSTRAP_TOKEN_MOUNT_DIR, BOOTSTRAP_TOKEN_POLICY_FILE } from '../bootstrap/production-script';
import { BOOTSTRAP_PLAN_FILE, BOOTSTRAP_SCRIPT_FILE } from '../bootstrap/script-common';
import { listenerTlsFor, sealStanza, vaultHelmSealValues } from '../bootstrap/seal';
import { BOOTSTRAP_NAME, BOOTSTRAP_RUN_SYNC_WAVE, SYNC_WAVE_ANNOTATION, BOOTSTRAP_SCRIPT_CONFIG_MAP, bootstrapMetadata, bootstrapJobSpec, checkSmallCount, VaultBootstrapProps } from './vault-bootstrap-common';
import { imagesOf } from '../catalog/images';

/** How Argo CD runs the Job. */
export type ProductionBootstrapTrigger =
  /** A Sync hook in the bootstrap wave: re-created and run on every sync (it is idempotent). */
  | 'sync-hook'
  /** A plain Job in the bootstrap wave: runs once; delete it to run it again. */
  | 'sync-wave';

export interface VaultProductionBootstrapProps extends VaultBootstrapProps {
  /**
   * Name of the existing Secret (in the Vault namespace, provisioned out of band) that holds the
   * short-lived, scoped bootstrap token.
   * @default - `spec.vault.bootstrap.tokenSecretName`, else "vault-bootstrap-token"
   */
  readonly tokenSecretName?: string;
  /**
   * Key of the token in that Secret.
   * @default - `spec.vault.bootstrap.tokenSecretKey`, else "token"
   */
  readonly tokenSecretKey?: string;
  /**
   * Whether Argo CD runs the Job as a Sync hook on every sync or once in the bootstrap wave.
   * @default "sync-hook"
   */
  readonly trigger?: ProductionBootstrapTrigger;
  /**
   * Retries before the Job fails. A missing capability fails every retry the same way, so few.
   * @default 2
   */
  readonly backoffLimit?: number;
}

/** Helm values (`values.yaml`) and the bare stanza (`seal.hcl`) for the Vault server's KMS auto-unseal. */
export const SEAL_CONFIG_MAP = 'vault-seal-config';

/**
 * The production Vault bootstrap: a Job that configures mounts, the kubernetes auth method,
 * policies and roles with a scoped token read from an existing Secret. It refuses a root token,
 * checks its capabilities first, never initializes or unseals Vault and seeds nothing. Also renders
 * the seal configuration (`spec.vault.seal`) for the Vault Helm chart.
 *
 * No RBAC: the Job does not talk to the Kubernetes API, so its ServiceAccount mounts no token.
 * @see docs/vault-production-bootstrap.md
 */
export class VaultProductionBootstrap extends Construct {
  public readonly tokenSecretName: string;
  public readonly tokenSecretKey: string;
  public readonly image: string;
  public readonly trigger: ProductionBootstrapTrigger;
  public readonly backoffLimit: number;
  public readonly job: ApiObject;
  /** Undefined when the catalog has no `spec.vault.seal`. */
  public readonly sealConfigMap?: ApiObject;

  constructor(scope: Construct, id: string, props: VaultProductionBootstrapProps) {
    super(scope, id);
    const { project, cluster } = props;
    const token = productionTokenSecret(project);
    this.tokenSecretName = props.tokenSecretName ?? token.name;
    this.tokenSecretKey = props.tokenSecretKey ?? token.key;
    this.image = props.image ?? imagesOf(project.catalog).bootstrap;
    this.trigger = props.trigger ?? 'sync-hook';
    this.backoffLimit = checkSmallCount('VaultProductionBootstrap', 'backoffLimit', props.backoffLimit ?? 2);

    const ctx = { project, cluster };
    const files = productionBootstrapFiles(project, cluster, {
      kubernetesHost: props.kubernetesHost,
      tokenSecret: { name: this.tokenSecretName, key: this.tokenSecretKey },
    });

    new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME),
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'Script', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_SCRIPT_CONFIG_MAP),
      data: { [BOOTSTRAP_TOKEN_POLICY_FILE]: files.tokenPolicy, [BOOTSTRAP_PLAN_FILE]: files.plan, [BOOTSTRAP_SCRIPT_FILE]: files.script },
    });
    const hook: Record<string, string> =
      this.trigger === 'sync-hook'
        ? { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' }
        : {};
    hook[SYNC_WAVE_ANNOTATION] = String(BOOTSTRAP_RUN_SYNC_WAVE);
    this.job = new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME, hook),
      spec: bootstrapJobSpec(ctx, this.backoffLimit, {
        image: this.image,
        automountServiceAccountToken: false,
        env: [{ name: 'BOOTSTRAP_TOKEN_FILE', value: `${BOOTSTRAP_TOKEN_MOUNT_DIR}/${this.tokenSecretKey}` }],
        volumes: [
          {
            name: 'bootstrap-token',
            secret: { secretName: this.tokenSecretName, items: [{ key: this.tokenSecretKey, path: this.tokenSecretKey }], defaultMode: 0o440 },
          },
        ],
        volumeMounts: [{ name: 'bootstrap-token', mountPath: BOOTSTRAP_TOKEN_MOUNT_DIR }],
      }),
    });

    const seal = project.catalog.spec.vault.seal;
    if (seal) {
      this.sealConfigMap = new ApiObject(this, 'Seal', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: bootstrapMetadata(ctx, SEAL_CONFIG_MAP),
        data: {
          'seal.hcl': sealStanza(seal),
          'values.yaml': `# Vault Helm chart values: HA with integrated storage, auto-unsealed by ${seal.type}.\n${stringify(vaultHelmSealValues(seal, listenerTlsFor(project.catalog, cluster.name)))}`,
        },
      });
    }
  }
}
