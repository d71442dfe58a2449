import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { devBootstrapFiles } from '../bootstrap/bundle';
import { DEV_CREDENTIALS_SECRET } from '../bootstrap/dev-script';
import { BOOTSTRAP_PLAN_FILE, BOOTSTRAP_SCRIPT_FILE, FIXTURES_FILE, FIXTURES_MOUNT_DIR } from '../bootstrap/script-common';
import { BOOTSTRAP_NAME, BOOTSTRAP_RUN_SYNC_WAVE, SYNC_WAVE_ANNOTATION, BOOTSTRAP_SCRIPT_CONFIG_MAP, bootstrapMetadata, bootstrapJobSpec, checkSmallCount, VaultBootstrapProps } from './vault-bootstrap-common';
import { imagesOf } from '../catalog/images';

export interface VaultDevBootstrapProps extends VaultBootstrapProps {
  /**
   * How often the CronJob runs. Each run is idempotent, so a short schedule heals a Vault that was
   * restarted (sealed) or wiped.
   * @default - `spec.vault.bootstrap.schedule`, else "*\/10 * * * *"
   */
  readonly schedule?: string;
  /**
   * Retries of one run before the Job fails.
   * @default 3
   */
  readonly backoffLimit?: number;
  /**
   * Finished Jobs kept for their logs (successful and failed each).
   * @default 3
   */
  readonly historyLimit?: number;
  /**
   * Also run the bootstrap as an Argo CD `Sync` hook Job (`vault-bootstrap`, wave -19) on every sync
   * of the bootstrap Application. Argo CD counts a CronJob Healthy before its first run, so without
   * the hook the bootstrap step would pass before Vault is initialized and configured, and the
   * ClusterSecretStore after it would wait up to a schedule period.
   * @default true
   * @see https://github.com/argoproj/argo-cd/blob/master/resource_customizations/batch/CronJob/health.lua
   */
  readonly runOnSync?: boolean;
}

export const DEFAULT_DEV_SCHEDULE = '*/10 * * * *';
export const DEV_FIXTURES_CONFIG_MAP = 'vault-bootstrap-fixtures';

/**
 * The dev/CI/ephemeral Vault bootstrap: a CronJob in the Vault namespace that initializes (one key
 * share) and unseals Vault when needed, keeps the root token, unseal key and fixture seed in the
 * Secret `vault-auto-credentials`, configures mounts, auth, policies and roles, and seeds absent
 * fixtures. It also runs as a Sync hook Job on every sync of the bootstrap Application, so the
 * rollout waits for it; run it by hand with `kubectl create job --from=cronjob/vault-bootstrap`.
 *
 * Least privilege: its ServiceAccount may get and patch only `vault-auto-credentials`, and create
 * Secrets in the Vault namespace (Kubernetes cannot restrict `create` to a name).
 */
export class VaultDevBootstrap extends Construct {
  public readonly schedule: string;
  public readonly image: string;
  public readonly backoffLimit: number;
  public readonly historyLimit: number;
  public readonly cronJob: ApiObject;
  /** The Sync hook Job; undefined with `runOnSync: false`. */
  public readonly syncJob?: ApiObject;
  public readonly scriptConfigMap: ApiObject;
  public readonly fixturesConfigMap: ApiObject;

  constructor(scope: Construct, id: string, props: VaultDevBootstrapProps) {
    super(scope, id);
    const { project, cluster } = props;
    if (cluster.production) {
      throw new Error(`VaultDevBootstrap: cluster "${cluster.name}" hosts a production-tier environment; use VaultProductionBootstrap (addVaultBootstrap chooses for you)`);
    }
    const settings = project.catalog.spec.vault.bootstrap;
    this.schedule = props.schedule ?? settings?.schedule ?? DEFAULT_DEV_SCHEDULE;
    this.image = props.image ?? imagesOf(project.catalog).bootstrap;
    this.backoffLimit = checkSmallCount('VaultDevBootstrap', 'backoffLimit', props.backoffLimit ?? 3);
    this.historyLimit = checkSmallCount('VaultDevBootstrap', 'historyLimit', props.historyLimit ?? 3);

    const ctx = { project, cluster };
    const files = devBootstrapFiles(project, cluster, { kubernetesHost: props.kubernetesHost });

    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME) });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME),
      rules: [
        { apiGroups: [''], resources: ['secrets'], resourceNames: [DEV_CREDENTIALS_SECRET], verbs: ['get', 'patch'] },
        // RBAC cannot name the object of a create request; the script only ever creates vault-auto-credentials.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: BOOTSTRAP_NAME },
      subjects: [{ kind: 'ServiceAccount', name: BOOTSTRAP_NAME, namespace: project.catalog.spec.vault.namespace }],
    });
    this.scriptConfigMap = new ApiObject(this, 'Script', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_SCRIPT_CONFIG_MAP),
      data: { [BOOTSTRAP_PLAN_FILE]: files.plan, [BOOTSTRAP_SCRIPT_FILE]: files.script },
    });
    this.fixturesConfigMap = new ApiObject(this, 'Fixtures', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: bootstrapMetadata(ctx, DEV_FIXTURES_CONFIG_MAP),
      data: { [FIXTURES_FILE]: files.fixtures },
    });
    const jobSpec = bootstrapJobSpec(ctx, this.backoffLimit, {
      image: this.image,
      automountServiceAccountToken: true,
      env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
      volumes: [{ name: 'fixtures', configMap: { name: DEV_FIXTURES_CONFIG_MAP } }],
      volumeMounts: [{ name: 'fixtures', mountPath: FIXTURES_MOUNT_DIR }],
    });
    if (props.runOnSync ?? true) {
      this.syncJob = new ApiObject(this, 'SyncJob', {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME, {
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
          [SYNC_WAVE_ANNOTATION]: String(BOOTSTRAP_RUN_SYNC_WAVE),
        }),
        spec: jobSpec,
      });
    }
    this.cronJob = new ApiObject(this, 'CronJob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: bootstrapMetadata(ctx, BOOTSTRAP_NAME, { [SYNC_WAVE_ANNOTATION]: String(BOOTSTRAP_RUN_SYNC_WAVE) }),
      spec: {
        schedule: this.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: this.historyLimit,
        failedJobsHistoryLimit: this.historyLimit,
        jobTemplate: { spec: jobSpec },
      },
    });
  }
}
