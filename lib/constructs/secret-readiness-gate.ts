import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Resolver } from '../resolver/resolver';
import type { ServiceSpec } from '../catalog/types';
import { GateSecret, renderGateScript } from '../readiness/gate-script';
import { DEFAULT_IMAGES } from '../catalog/images';

/** The image the gate runs in: it needs sh, curl and jq. */
export const DEFAULT_GATE_IMAGE = DEFAULT_IMAGES.readinessGate;
/** Five minutes, as the readiness issue asks. */
export const DEFAULT_GATE_TIMEOUT_SECONDS = 300;

export interface SecretReadinessGateProps {
  /** Namespace of the service instance; the gate only reads Secrets here. */
  readonly namespace: string;
  /** The service the gate guards; names every object `<service>-secret-gate`. */
  readonly service: string;
  /** Secrets and the keys each must hold. */
  readonly secrets: readonly GateSecret[];
  /**
   * How long to wait before failing.
   * @default 300 (five minutes)
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds between checks.
   * @default 5
   */
  readonly intervalSeconds?: number;
  /**
   * Image with sh, curl and jq.
   * @default - DEFAULT_IMAGES.readinessGate (lib/catalog/images.ts)
   */
  readonly image?: string;
  /**
   * Argo CD sync wave of the gate Job: after the ExternalSecrets, before the workloads.
   * @default "3"
   */
  readonly syncWave?: string;
  /** Labels for every object (the metadata contract). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations for every object (the metadata contract). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * `hook`: a Sync-hook Job gates the sync. `init-container`: no Job; the script ConfigMap and the
   * RBAC are rendered for the workload's own service account, and `initContainer` / `volume` are
   * what the workload adds to its pod spec, so each pod waits for its Secrets before starting.
   * @default "hook"
   */
  readonly mode?: 'hook' | 'init-container';
  /**
   * The service account of the workload that runs the init container (mode `init-container`).
   * @default - the service name
   */
  readonly workloadServiceAccount?: string;
}

/**
 * A Job that waits, with a timeout, until each of a service's target Secrets exists with every
 * required key, and fails naming the Secret and the missing keys otherwise. It runs as an Argo CD
 * Sync hook in a wave after the ExternalSecrets: a PreSync hook would run before the same
 * Application's ExternalSecrets are applied and could never pass on a first sync. Least RBAC:
 * `get` on exactly those Secrets, in its own namespace.
 */
export class SecretReadinessGate extends Construct {
  public readonly name: string;
  public readonly timeoutSeconds: number;
  public readonly intervalSeconds: number;
  public readonly image: string;
  public readonly syncWave: string;
  public readonly mode: 'hook' | 'init-container';
  /** The init container a workload adds to wait for its Secrets (the same check as the Job). */
  public readonly initContainer: ReturnType<typeof gateContainer>;
  /** The pod volume the init container mounts the script from. */
  public readonly volume: ReturnType<typeof gateVolume>;

  constructor(scope: Construct, id: string, props: SecretReadinessGateProps) {
    super(scope, id);
    if (props.secrets.length === 0) throw new Error(`SecretReadinessGate '${props.service}': 'secrets' must name at least one Secret`);
    this.name = `${props.service}-secret-gate`;
    this.timeoutSeconds = props.timeoutSeconds ?? DEFAULT_GATE_TIMEOUT_SECONDS;
    this.intervalSeconds = props.intervalSeconds ?? 5;
    this.image = props.image ?? DEFAULT_GATE_IMAGE;
    this.syncWave = props.syncWave ?? '3';
    if (this.timeoutSeconds <= 0) throw new Error(`SecretReadinessGate '${props.service}': 'timeoutSeconds' (${this.timeoutSeconds}) must be positive`);
    this.mode = props.mode ?? 'hook';
    this.initContainer = gateContainer(this.image, this.timeoutSeconds, this.intervalSeconds);
    this.volume = gateVolume(this.name);
    const hookMode = this.mode === 'hook';
    const subject = hookMode ? this.name : (props.workloadServiceAccount ?? props.service);

    const labels = { ...(props.labels ?? {}), 'app.kubernetes.io/component': 'secret-readiness-gate' };
    // In init-container mode the RBAC and script are ordinary objects that live with the workload.
    const hook = (wave: string): Record<string, string> =>
      hookMode
        ? {
            ...(props.annotations ?? {}),
            'argocd.argoproj.io/hook': 'Sync',
            'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
            'argocd.argoproj.io/sync-wave': wave,
          }
        : { ...(props.annotations ?? {}), 'argocd.argoproj.io/sync-wave': wave };
    // RBAC and script first (one wave earlier), so the Job finds them.
    const prep = String(Number(this.syncWave) - 1);
    const metadata = (annotations: Record<string, string>) => ({ name: this.name, namespace: props.namespace, labels, annotations });

    if (hookMode) new ApiObject(this, 'service-account', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(hook(prep)), automountServiceAccountToken: true } as never);
    new ApiObject(this, 'role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(hook(prep)),
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [...new Set(props.secrets.map((s) => s.name))].sort(), verbs: ['get'] }],
    } as never);
    new ApiObject(this, 'role-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(hook(prep)),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: subject, namespace: props.namespace }],
    } as never);
    new ApiObject(this, 'script', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(hook(prep)),
      data: { 'gate.sh': renderGateScript({ namespace: props.namespace, secrets: props.secrets }) },
    } as never);
    if (!hookMode) return;
    new ApiObject(this, 'job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(hook(this.syncWave)),
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: this.timeoutSeconds + 60,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.name,
            restartPolicy: 'Never',
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [this.initContainer],
            volumes: [this.volume],
          },
        },
      },
    } as never);
  }
}

/** The container that runs the gate script; also usable as an init container of a workload. */
export function gateContainer(image: string, timeoutSeconds: number, intervalSeconds = 5) {
  return {
    name: 'secret-gate',
    image,
    command: ['/bin/sh', '/secretops/gate.sh'],
    env: [
      { name: 'GATE_TIMEOUT_SECONDS', value: String(timeoutSeconds) },
      { name: 'GATE_INTERVAL_SECONDS', value: String(intervalSeconds) },
    ],
    volumeMounts: [{ name: 'gate-script', mountPath: '/secretops', readOnly: true }],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

/** The volume that carries the gate script from its ConfigMap; pairs with `gateContainer`. */
export function gateVolume(configMapName: string) {
  return { name: 'gate-script', configMap: { name: configMapName, defaultMode: 0o555 } };
}

/** Which gate a service gets: the catalog's choice, else a hook for services that run migrations. */
export function gateModeOf(service: ServiceSpec): 'hook' | 'init-container' | 'none' {
  return service.readiness?.gate ?? (service.migrations ? 'hook' : 'none');
}

/**
 * The Secrets and keys a service instance needs in an environment: every required platform key
 * that resolves to Vault (base values live in a ConfigMap, not the Secret).
 */
export function gateSecretsFor(resolver: Resolver, environment: string, service: string): GateSecret[] {
  const bySecret = new Map<string, string[]>();
  for (const r of resolver.resolveEnvironment(environment, { service })) {
    if (!r.required || !r.winner || r.winner.tier === 'base') continue;
    if (!bySecret.has(r.secret)) bySecret.set(r.secret, []);
    bySecret.get(r.secret)!.push(r.key);
  }
  return [...bySecret.entries()].map(([name, keys]) => ({ name, keys: keys.sort() })).sort((a, b) => a.name.localeCompare(b.name));
}
