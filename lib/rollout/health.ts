import type { Manifest } from './cluster-dist';

/**
 * Argo CD's health assessment of the kinds secretops renders, as documented and implemented
 * upstream. Each rule cites its source. The status of a live object is what the controllers of the
 * simulation (ESO, Kubernetes) wrote into it; these functions only read it, as Argo CD does.
 */

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing';

export interface Health {
  readonly status: HealthStatus;
  readonly message?: string;
}

/** A Kubernetes-style condition as ESO writes it. */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

/** A live object: the applied manifest plus the status its controller wrote. */
export interface LiveObject {
  readonly manifest: Manifest;
  status: {
    conditions?: Condition[];
    /** ESO: `<generation>-<hash>` of the spec last synced (ExternalSecret `status.syncedResourceVersion`). */
    syncedResourceVersion?: string;
    /** Job: set once it finished. */
    job?: 'Complete' | 'Failed';
    /** Why a Job or Deployment's pod does not run or failed, for the report. */
    message?: string;
    /** Deployment: every replica available. */
    available?: boolean;
    /** Ingress: the controller published an address (`status.loadBalancer.ingress`). */
    loadBalancer?: boolean;
  };
  readonly generation: number;
}

/** Argo CD's order of badness, worst last (`health.IsWorse`, gitops-engine pkg/health/health.go). */
const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded'];
export function worse(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}

/**
 * ESO's Ready condition, as Argo CD's built-in checks for ClusterSecretStore and SecretStore read it:
 * Ready=False Degraded, Ready=True Healthy, otherwise Progressing.
 * @see https://github.com/argoproj/argo-cd/blob/master/resource_customizations/external-secrets.io/ClusterSecretStore/health.lua
 */
function readyCondition(obj: LiveObject, waiting: string): Health {
  for (const c of obj.status.conditions ?? []) {
    if (c.type === 'Ready' && c.status === 'False') return { status: 'Degraded', ...(c.message ? { message: c.message } : {}) };
    if (c.type === 'Ready' && c.status === 'True') return { status: 'Healthy', ...(c.message ? { message: c.message } : {}) };
  }
  return { status: 'Progressing', message: waiting };
}

/**
 * The ExternalSecret check secretops ships in argocd-cm (lib/constructs/argocd-health-checks.ts),
 * mirrored here; test/rollout/external-secret-health.test.ts runs the Lua under Lua 5.1 against the
 * same cases. Beyond Argo CD's built-in check it is Healthy only when ESO has synced the current
 * generation, so a Ready=True left over from before a spec change does not pass a RollingSync step.
 */
export function externalSecretHealth(obj: LiveObject): Health {
  const synced = obj.status.syncedResourceVersion;
  const current = synced !== undefined && synced.split('-')[0] === String(obj.generation);
  const h = readyCondition(obj, 'Waiting for the ExternalSecret to be Ready');
  if (h.status === 'Healthy' && !current) return { status: 'Progressing', message: 'Waiting for ESO to sync the current spec' };
  return h;
}

export interface HealthOptions {
  /** Whether argocd-cm carries secretops' ExternalSecret check (else Argo CD's built-in one applies). */
  readonly customExternalSecretCheck: boolean;
}

/** Health of one live object, or undefined when Argo CD assesses none for its kind (it then does not count). */
export function healthOf(obj: LiveObject, opts: HealthOptions): Health | undefined {
  const { kind } = obj.manifest;
  switch (kind) {
    case 'ClusterSecretStore':
    case 'SecretStore':
      return readyCondition(obj, `Waiting for ${kind}`);
    case 'ExternalSecret':
      // Built-in: Ready condition only (resource_customizations/external-secrets.io/ExternalSecret/health.lua).
      return opts.customExternalSecretCheck ? externalSecretHealth(obj) : readyCondition(obj, 'Waiting for ExternalSecret');
    case 'Job':
      // gitops-engine pkg/health/health_job.go: Complete Healthy, Failed Degraded, else Progressing.
      if (obj.status.job === 'Complete') return { status: 'Healthy' };
      if (obj.status.job === 'Failed') return { status: 'Degraded', ...(obj.status.message ? { message: obj.status.message } : {}) };
      return { status: 'Progressing', ...(obj.status.message ? { message: obj.status.message } : {}) };
    case 'CronJob':
      // argo-cd resource_customizations/batch/CronJob/health.lua: a CronJob with a status but no
      // lastScheduleTime is Healthy ("has not been scheduled yet"), so it never waits for its first run.
      return (obj.manifest.spec as { suspend?: boolean } | undefined)?.suspend ? { status: 'Suspended' } : { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
    case 'Deployment':
      // gitops-engine pkg/health/health_deployment.go: Healthy once every updated replica is available.
      return obj.status.available ? { status: 'Healthy' } : { status: 'Progressing', message: obj.status.message ?? 'Waiting for rollout to finish' };
    case 'Ingress':
      // gitops-engine pkg/health/health_ingress.go: Healthy once status.loadBalancer.ingress is set.
      return obj.status.loadBalancer ? { status: 'Healthy' } : { status: 'Progressing', message: 'Waiting for the ingress controller to publish an address' };
    default:
      // ConfigMap, ServiceAccount, RBAC, Namespace, ClusterIP Service, Traefik CRDs: no health check, not counted.
      return undefined;
  }
}
