import { admissionError, isNamespaced } from './admission';
import type { ClusterDist, Manifest, SimApplication, StepSelector } from './cluster-dist';
import { ClusterState, describe, isProductionBootstrap, objectKey, PodSpec, reconcile } from './controllers';
import { Health, healthOf, HealthOptions, HealthStatus, LiveObject, worse } from './health';
import { freshVault } from './vault';

/**
 * Replays what a fresh cluster does with one cluster's `dist/`: Argo CD's ApplicationSet walks the
 * RollingSync steps; inside each Application, objects go in by phase and sync wave; ESO, Kubernetes
 * and the bootstrap Jobs react (controllers.ts); Argo CD's health rules (health.ts) decide when a
 * wave, an Application and a step are done. It reports where the rollout stops and why.
 *
 * Modelled (sources next to each rule in the modules named):
 * - RollingSync (this file): steps in order; an Application belongs to the first step whose
 *   matchExpressions all match its labels; the next step starts only when every Application of the
 *   step is Healthy and Synced; Applications no step selects are not synced by the rollout.
 *   https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Progressive-Syncs/ and
 *   argo-cd applicationset/controllers/applicationset_controller.go (updateApplicationSetApplicationStatus).
 * - Sync phases and waves (this file): PreSync, Sync, PostSync; inside a phase by
 *   `argocd.argoproj.io/sync-wave`; a wave starts when every resource of the earlier waves is
 *   Healthy and every hook of them completed. Hooks do not count towards the Application's health.
 *   https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ and gitops-engine pkg/sync/sync_context.go;
 *   argo-cd controller/health.go (hooks skipped in setApplicationHealth).
 * - Time is not modelled: retries and back-off are assumed to happen, schedules are not (a
 *   CronJob never fires during the rollout, which is what a fresh cluster sees for up to its period).
 */

export interface RolloutInputs {
  /** Runbook step 1: Vault runs with the rendered seal values and reaches its KMS key, so it unseals itself. @default false */
  readonly autoUnseal?: boolean;
  /** Runbook step 2: the init ceremony ran (Vault is initialized). @default false */
  readonly initCeremony?: boolean;
  /** Runbook step 3: the scoped bootstrap token Secret the production Job mounts exists. @default false */
  readonly bootstrapToken?: boolean;
  /** Runbook TLS section: the Secret with Vault's CA and listener certificate (stores' `caProvider`) exists. @default false */
  readonly tlsProvisioned?: boolean;
  /** Production values: every key the cluster's ExternalSecrets read was written to Vault by people. @default false */
  readonly valuesProvisioned?: boolean;
  /** An ingress controller serves the cluster's IngressClass and publishes addresses. @default true */
  readonly ingressController?: boolean;
}

/** What is installed before Argo CD syncs anything: namespaces and service accounts of the Helm charts. */
export interface Prerequisites {
  /** @default ["default", "kube-system", "argocd", "external-secrets"] plus the namespace of each store's Vault server */
  readonly namespaces?: readonly string[];
  /** `<namespace>/<name>`. @default ["external-secrets/external-secrets"] (ESO's Helm chart) */
  readonly serviceAccounts?: readonly string[];
  /** API groups with CRDs installed. @default ["external-secrets.io", "traefik.io"] */
  readonly crdGroups?: readonly string[];
}

export type ApplicationState = 'Healthy' | 'Progressing' | 'Degraded' | 'Waiting';

/** A step of the production runbook that a person does, and the flag that tells the simulation it is done. */
export interface ManualStep {
  /** What to do, as an imperative: "provision the scoped bootstrap token Secret vault/vault-bootstrap-token". */
  readonly action: string;
  /** The runbook section that says how: `docs/vault-production-bootstrap.md, "3. The bootstrap token"`. */
  readonly runbook: string;
  /** The `secretops rollout` flag that records the step as done. */
  readonly flag: string;
}

const RUNBOOK = 'docs/vault-production-bootstrap.md';
/** The runbook's manual steps by the input that records each (the sections of docs/vault-production-bootstrap.md). */
const MANUAL_STEPS = {
  autoUnseal: { runbook: `${RUNBOOK}, "1. Before the ceremony: KMS auto-unseal"`, flag: '--auto-unseal' },
  initCeremony: { runbook: `${RUNBOOK}, "2. The init ceremony (once, by named people)"`, flag: '--init-ceremony' },
  bootstrapToken: { runbook: `${RUNBOOK}, "3. The bootstrap token"`, flag: '--bootstrap-token' },
  tlsProvisioned: { runbook: `${RUNBOOK}, "TLS: the certificate before anything talks to Vault"`, flag: '--tls-provisioned' },
  valuesProvisioned: { runbook: `${RUNBOOK}, "5. The production values"`, flag: '--values-provisioned' },
} as const satisfies Record<string, Omit<ManualStep, 'action'>>;

/** Where an Application waits: the resource, `Kind namespace/name`, why, and the manual step that clears it when one does. */
export interface Blocker {
  readonly resource: string;
  readonly reason: string;
  readonly manualStep?: ManualStep;
}

export interface ApplicationResult {
  readonly name: string;
  readonly state: ApplicationState;
  /** The resource the Application waits on, `Kind namespace/name`, and why. */
  readonly blockedBy?: Blocker;
}

export interface StepResult {
  /** 1-based, as Argo CD numbers them in ApplicationSet status. */
  readonly step: number;
  readonly selector: string;
  readonly state: 'Healthy' | 'Stopped' | 'Waiting';
  readonly applications: readonly ApplicationResult[];
}

export interface RolloutResult {
  readonly cluster: string;
  readonly converged: boolean;
  readonly steps: readonly StepResult[];
  /** Where the rollout stops, when it does (with the runbook step and flag when a manual step is missing). */
  readonly stoppedAt?: { readonly step: number; readonly application: string } & Blocker;
  /** Applications no RollingSync step selects: the rollout never syncs them. */
  readonly unselected: readonly string[];
  readonly vault: { readonly initialized: boolean; readonly sealed: boolean; readonly configured: boolean };
}

const PHASES = ['PreSync', 'Sync', 'PostSync'];

interface Task {
  readonly manifest: Manifest;
  readonly namespace: string | undefined;
  readonly hook: boolean;
}

interface AppRun {
  readonly app: SimApplication;
  readonly groups: readonly Task[][];
  next: number;
  applied: boolean;
  blocked?: { resource: string; reason: string };
}

function hookOf(m: Manifest): string | undefined {
  return m.metadata.annotations?.['argocd.argoproj.io/hook']?.split(',')[0]?.trim();
}

function groupsOf(app: SimApplication): Task[][] {
  const byKey = new Map<string, { order: [number, number]; tasks: Task[] }>();
  for (const m of app.objects) {
    const hook = hookOf(m);
    if (hook === 'Skip') continue;
    const phase = hook ? PHASES.indexOf(hook) : 1;
    if (phase < 0) continue; // SyncFail and PostDelete hooks do not run on a successful sync
    const wave = Number(m.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const key = `${phase}/${wave}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { order: [phase, wave], tasks: [] }));
    g.tasks.push({ manifest: m, namespace: isNamespaced(m.kind) ? (m.metadata.namespace ?? (app.namespace || undefined)) : undefined, hook: hook !== undefined });
  }
  return [...byKey.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]).map((g) => g.tasks);
}

function selects(selector: readonly StepSelector[], labels: Readonly<Record<string, string>>): boolean {
  return selector.every((e) => {
    const v = labels[e.key];
    return e.operator === 'In' ? v !== undefined && e.values.includes(v) : v === undefined || !e.values.includes(v);
  });
}

function selectorText(selector: readonly StepSelector[]): string {
  return selector.map((e) => `${e.key} ${e.operator} (${e.values.join(', ')})`).join(' && ') || 'everything';
}

class Simulation {
  readonly state: ClusterState;
  private readonly healthOpts: HealthOptions;

  constructor(
    private readonly dist: ClusterDist,
    private readonly inputs: RolloutInputs,
    prereq: Prerequisites,
  ) {
    const initialized = inputs.initCeremony ?? false;
    const vault = freshVault();
    vault.initialized = initialized;
    vault.sealed = !(initialized && (inputs.autoUnseal ?? false));
    const all = dist.applications.flatMap((a) => a.objects);
    const vaultNamespaces = all
      .filter((m) => m.kind === 'ClusterSecretStore' || m.kind === 'SecretStore')
      .map((m) => /^https?:\/\/[^.]+\.([^.:/]+)\.svc/.exec(((m.spec as { provider?: { vault?: { server?: string } } })?.provider?.vault?.server) ?? '')?.[1])
      .filter((n): n is string => n !== undefined);
    this.state = {
      live: new Map(),
      secrets: new Map(),
      namespaces: new Set([...(prereq.namespaces ?? ['default', 'kube-system', 'argocd', 'external-secrets']), ...vaultNamespaces]),
      serviceAccounts: new Set(prereq.serviceAccounts ?? ['external-secrets/external-secrets']),
      vault,
      ingressController: inputs.ingressController ?? true,
    };
    this.crdGroups = new Set(prereq.crdGroups ?? ['external-secrets.io', 'traefik.io']);
    this.healthOpts = { customExternalSecretCheck: Object.keys(dist.argocdConfig).includes('resource.customizations.health.external-secrets.io_ExternalSecret') };
    this.applyManualSteps(all);
  }

  private readonly crdGroups: ReadonlySet<string>;
  /** `namespace/name` of the Secrets people provision: the TLS section's (stores' CA) and step 3's (the bootstrap token). */
  private readonly tlsSecrets = new Set<string>();
  private readonly tokenSecrets = new Map<string, Set<string>>();
  /** A production bootstrap Job seeds nothing: the values ExternalSecrets read are written by people. */
  private production = false;

  /** The runbook's manual steps that leave something in the cluster or in Vault. */
  private applyManualSteps(all: readonly Manifest[]): void {
    // The Secrets the stores read their CA from are the TLS section's, not the bootstrap token's.
    const tls = this.tlsSecrets;
    for (const store of all.filter((m) => /SecretStore$/.test(m.kind))) {
      const ca = (store.spec as { provider?: { vault?: { caProvider?: { type?: string; name: string; key?: string; namespace?: string } } } }).provider?.vault?.caProvider;
      if (!ca || (ca.type ?? 'Secret') !== 'Secret') continue;
      const at = `${ca.namespace ?? store.metadata.namespace ?? ''}/${ca.name}`;
      tls.add(at);
    }
    for (const job of all.filter((m) => m.kind === 'Job')) {
      const pod = (job.spec as { template?: { spec?: PodSpec } }).template?.spec ?? {};
      if (!isProductionBootstrap(pod)) continue;
      this.production = true;
      for (const v of pod.volumes ?? []) {
        const at = `${job.metadata.namespace}/${v.secret?.secretName}`;
        if (v.secret && !tls.has(at)) this.tokenSecrets.set(at, new Set((v.secret.items ?? []).map((i) => i.key)));
      }
    }
    if (this.inputs.bootstrapToken) {
      for (const [at, keys] of this.tokenSecrets) this.state.secrets.set(at, keys);
    }
    if (this.inputs.tlsProvisioned) {
      // The runbook's TLS Secret holds the CA and the listener's certificate and key (docs/vault-production-bootstrap.md).
      for (const at of tls) this.state.secrets.set(at, new Set(['ca.crt', 'tls.crt', 'tls.key']));
    }
    if (this.inputs.valuesProvisioned) {
      const mountOf = new Map(all.filter((m) => /SecretStore$/.test(m.kind)).map((m) => [m.metadata.name, (m.spec as { provider?: { vault?: { path?: string } } }).provider?.vault?.path ?? 'secret']));
      for (const es of all.filter((m) => m.kind === 'ExternalSecret')) {
        const spec = es.spec as { secretStoreRef?: { name: string }; data?: { secretKey: string; remoteRef: { key: string; property?: string } }[] };
        const mount = mountOf.get(spec.secretStoreRef?.name ?? '') ?? 'secret';
        for (const d of spec.data ?? []) {
          const at = `${mount}/${d.remoteRef.key}`;
          const keys = this.state.vault.data.get(at) ?? new Set<string>();
          keys.add(d.remoteRef.property ?? d.secretKey);
          this.state.vault.data.set(at, keys);
        }
      }
    }
  }

  /**
   * The manual step whose absence explains a blocker, when one does and it is not recorded as
   * done: a missing token or TLS Secret, Vault not initialized or sealed (the production Job's
   * own messages), a production ExternalSecret reading a value nobody wrote. Anything else is a
   * defect of the rendered files, not a step to do, and gets none.
   */
  private manualStepFor(b: { resource: string; reason: string }): ManualStep | undefined {
    const ns = /^\S+ ([^/\s]+)\//.exec(b.resource)?.[1];
    const mounted = /secret "([^"]+)" (?:not found|has no key)/.exec(b.reason)?.[1];
    const at = mounted && ns ? `${ns}/${mounted}` : /caProvider secret ([^\s:]+): not found/.exec(b.reason)?.[1];
    const step = (input: keyof typeof MANUAL_STEPS, action: string): ManualStep | undefined => (this.inputs[input] ? undefined : { action, ...MANUAL_STEPS[input] });
    if (at && this.tokenSecrets.has(at)) return step('bootstrapToken', `provision the scoped bootstrap token Secret ${at}`);
    if (at && this.tlsSecrets.has(at)) return step('tlsProvisioned', `provision the TLS Secret ${at} with Vault's CA, certificate and key`);
    if (b.reason.includes('Vault is not initialized: run the init ceremony')) return step('initCeremony', 'run the init ceremony');
    if (b.reason.includes('Vault is sealed: KMS auto-unseal')) return step('autoUnseal', 'give Vault its KMS auto-unseal configuration');
    if (this.production && b.resource.startsWith('ExternalSecret ') && /Secret does not exist: |cannot find secret data for key: /.test(b.reason)) {
      return step('valuesProvisioned', 'write the production values the ExternalSecrets read to Vault');
    }
    return undefined;
  }

  private withManualStep(b: { resource: string; reason: string }): Blocker {
    const manualStep = this.manualStepFor(b);
    return manualStep ? { ...b, manualStep } : b;
  }

  private live(t: Task): LiveObject | undefined {
    return this.state.live.get(objectKey(t.manifest.kind, t.namespace, t.manifest.metadata.name));
  }

  private apply(t: Task): string | undefined {
    const err = admissionError(t.manifest, t.namespace, { namespaceExists: (n) => this.state.namespaces.has(n), crdGroups: this.crdGroups });
    if (err) return err;
    const manifest = { ...t.manifest, metadata: { ...t.manifest.metadata, ...(t.namespace ? { namespace: t.namespace } : {}) } };
    const key = objectKey(manifest.kind, t.namespace, manifest.metadata.name);
    if (!this.state.live.has(key)) this.state.live.set(key, { manifest, status: {}, generation: 1 });
    if (manifest.kind === 'Namespace') this.state.namespaces.add(manifest.metadata.name);
    if (manifest.kind === 'ServiceAccount') this.state.serviceAccounts.add(`${t.namespace}/${manifest.metadata.name}`);
    return undefined;
  }

  /** Whether a task of an applied wave is done: resources Healthy (or without health), hooks completed. */
  private taskHealth(t: Task): Health {
    const obj = this.live(t);
    if (!obj) return { status: 'Missing' };
    if (t.hook) {
      if (t.manifest.kind !== 'Job') return { status: 'Healthy' };
      return obj.status.job === 'Complete' ? { status: 'Healthy' } : { status: 'Progressing', ...(obj.status.message ? { message: obj.status.message } : {}) };
    }
    return healthOf(obj, this.healthOpts) ?? { status: 'Healthy' };
  }

  /** One step of an Application's sync; true when it got further. */
  advance(run: AppRun): boolean {
    if (run.next >= run.groups.length) return false;
    const group = run.groups[run.next]!;
    let progressed = false;
    if (!run.applied) {
      for (const t of group) {
        const err = this.apply(t);
        if (err) {
          const blocked = { resource: describe(t.manifest, t.namespace), reason: err };
          const changed = run.blocked?.reason !== blocked.reason || run.blocked.resource !== blocked.resource;
          run.blocked = blocked;
          return changed;
        }
      }
      run.applied = true;
      progressed = true;
      reconcile(this.state);
    }
    for (const t of group) {
      const h = this.taskHealth(t);
      if (h.status !== 'Healthy') {
        run.blocked = { resource: describe(t.manifest, t.namespace), reason: `${h.status}${h.message ? `: ${h.message}` : ''}` };
        return progressed;
      }
    }
    delete run.blocked;
    run.next += 1;
    run.applied = false;
    return true;
  }

  /** Argo CD's Application health: the worst of its non-hook resources. */
  appHealth(run: AppRun): { status: HealthStatus; blocked?: { resource: string; reason: string } } {
    let status: HealthStatus = 'Healthy';
    let blocked: { resource: string; reason: string } | undefined;
    for (const t of run.groups.flat()) {
      if (t.hook) continue;
      const obj = this.live(t);
      const h = obj ? (healthOf(obj, this.healthOpts) ?? { status: 'Healthy' as const }) : { status: 'Missing' as const };
      const w = worse(status, h.status);
      if (w !== status) {
        status = w;
        blocked = { resource: describe(t.manifest, t.namespace), reason: `${h.status}${h.message ? `: ${h.message}` : ''}` };
      }
    }
    return { status, ...(blocked ? { blocked } : {}) };
  }

  run(): RolloutResult {
    const apps = [...this.dist.applications].sort((a, b) => (a.name < b.name ? -1 : 1));
    const selectors = this.dist.steps ?? [[]];
    const stepOf = new Map<string, number>();
    for (const app of apps) {
      const i = selectors.findIndex((s) => selects(s, app.labels));
      if (i >= 0) stepOf.set(app.name, i);
    }
    const unselected = apps.filter((a) => !stepOf.has(a.name)).map((a) => a.name);
    const steps: StepResult[] = [];
    let stoppedAt: RolloutResult['stoppedAt'];
    selectors.forEach((selector, i) => {
      const members = apps.filter((a) => stepOf.get(a.name) === i);
      if (stoppedAt) {
        steps.push({ step: i + 1, selector: selectorText(selector), state: 'Waiting', applications: members.map((a) => ({ name: a.name, state: 'Waiting' })) });
        return;
      }
      // Every Application of a step syncs at once; interleave them until none gets further.
      const runs: AppRun[] = members.map((app) => ({ app, groups: groupsOf(app), next: 0, applied: false }));
      for (let guard = 0; guard < 10_000; guard++) {
        let progressed = false;
        for (const r of runs) progressed = this.advance(r) || progressed;
        if (!progressed) break;
      }
      const results: ApplicationResult[] = runs.map((r) => {
        if (r.next < r.groups.length) return { name: r.app.name, state: r.blocked?.reason.startsWith('Degraded') ? 'Degraded' : 'Progressing', ...(r.blocked ? { blockedBy: this.withManualStep(r.blocked) } : {}) };
        const h = this.appHealth(r);
        const state: ApplicationState = h.status === 'Healthy' ? 'Healthy' : h.status === 'Degraded' ? 'Degraded' : 'Progressing';
        return { name: r.app.name, state, ...(h.blocked && state !== 'Healthy' ? { blockedBy: this.withManualStep(h.blocked) } : {}) };
      });
      const failed = results.find((r) => r.state !== 'Healthy');
      if (failed) stoppedAt = { step: i + 1, application: failed.name, ...(failed.blockedBy ?? { resource: '', reason: failed.state }) };
      steps.push({ step: i + 1, selector: selectorText(selector), state: failed ? 'Stopped' : 'Healthy', applications: results });
    });
    const v = this.state.vault;
    return {
      cluster: this.dist.cluster,
      converged: !stoppedAt && unselected.length === 0,
      steps,
      ...(stoppedAt ? { stoppedAt } : {}),
      unselected,
      vault: { initialized: v.initialized, sealed: v.sealed, configured: v.roles.size > 0 },
    };
  }
}

/** Simulates a fresh cluster bringing up one cluster's dist/. Deterministic: same dist and inputs, same result. */
export function simulateRollout(dist: ClusterDist, inputs: RolloutInputs = {}, prereq: Prerequisites = {}): RolloutResult {
  return new Simulation(dist, inputs, prereq).run();
}
