import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { rolloutCommand } from '../../lib/cli/commands/rollout';
import { processIo } from '../../lib/cli/io';
import { REPO_ROOT } from '../support/tmp';
import { ClusterDist, distClusters, Manifest, readClusterDist, SimApplication } from '../../lib/rollout/cluster-dist';
import { simulateRollout } from '../../lib/rollout/simulate';
import { exampleDist, generatedDist, RUNBOOK_DONE } from './support';

const PRODUCTION = new Set(['prod']);

function withApps(dist: ClusterDist, edit: (apps: SimApplication[]) => SimApplication[]): ClusterDist {
  return { ...dist, applications: edit(dist.applications.map((a) => ({ ...a, objects: [...a.objects] }))) };
}

/** The long flags `secretops rollout` registers. */
function rolloutFlags(): string[] {
  const program = new Command();
  rolloutCommand.register(program, processIo(), () => undefined);
  return program.commands[0]!.options.map((o) => o.long!).filter(Boolean);
}

const app = (dist: ClusterDist, suffix: string) => dist.applications.find((a) => a.name.endsWith(suffix))!;

describe('a fresh cluster converges from empty', () => {
  const cases = [
    ['example', 'nginx', () => exampleDist('nginx')],
    ['example', 'traefik', () => exampleDist('traefik')],
    ['generated', 'nginx', () => generatedDist('nginx')],
    ['generated', 'traefik', () => generatedDist('traefik')],
  ] as const;
  for (const [catalog, adapter, render] of cases) {
    it(`${catalog} catalog, ${adapter}: every cluster, dev unattended and production after the runbook's manual steps`, () => {
      const files = render();
      const clusters = distClusters(files);
      expect(clusters).toEqual(['nonprod', 'prod']);
      for (const cluster of clusters) {
        const result = simulateRollout(readClusterDist(files, cluster), PRODUCTION.has(cluster) ? RUNBOOK_DONE : {});
        expect(result.stoppedAt, `${catalog}/${adapter}/${cluster}`).toBeUndefined();
        expect(result.converged).toBe(true);
        expect(result.unselected).toEqual([]);
        expect(result.steps.map((s) => [s.selector, s.state])).toEqual(
          ['foundation', 'bootstrap', 'secrets', 'workloads'].map((stage) => [`secretops.dev/stage In (${stage})`, 'Healthy']),
        );
        expect(result.vault).toEqual({ initialized: true, sealed: false, configured: true });
      }
    });
  }

  it('is deterministic', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'nonprod');
    expect(simulateRollout(dist)).toEqual(simulateRollout(dist));
  });
});

describe('where the rollout stops, and why', () => {
  it('the ClusterSecretStore in the first step waits for a Vault only a later step configures (the deadlock main had)', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'nonprod');
    // Put the store back where it was: the foundation step, in the earliest wave.
    const moved = withApps(dist, (apps) => {
      const bootstrap = apps.find((a) => a.name === 'nonprod-vault-bootstrap')!;
      const stores = bootstrap.objects.filter((o) => o.kind === 'ClusterSecretStore');
      (bootstrap.objects as Manifest[]).splice(0, bootstrap.objects.length, ...bootstrap.objects.filter((o) => o.kind !== 'ClusterSecretStore'));
      const foundation = apps.find((a) => a.name === 'nonprod-namespaces')!;
      (foundation.objects as Manifest[]).push(...stores.map((s) => ({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, 'argocd.argoproj.io/sync-wave': '-30' } } })));
      return apps;
    });
    const result = simulateRollout(moved);
    expect(result.converged).toBe(false);
    // One store per environment (issue 17): the first of them stops the step.
    expect(result.stoppedAt).toMatchObject({ step: 1, application: 'nonprod-namespaces', reason: 'Degraded: unable to validate store: Vault is not initialized' });
    expect(result.stoppedAt?.resource).toMatch(/^ClusterSecretStore ameide-vault-/);
    expect(result.steps.slice(1).map((s) => s.state)).toEqual(['Waiting', 'Waiting', 'Waiting']);
  });

  it('renders the store one wave after the bootstrap run, in the bootstrap Application', () => {
    for (const cluster of ['nonprod', 'prod']) {
      const bootstrap = app(readClusterDist(exampleDist('nginx'), cluster), '-vault-bootstrap');
      const wave = (kind: string) => bootstrap.objects.filter((o) => o.kind === kind).map((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
      const stores = wave('ClusterSecretStore');
      expect(stores.length).toBeGreaterThan(0);
      expect(new Set(stores)).toEqual(new Set(['-18']));
      expect(wave('Job')).toEqual(['-19']);
      expect(wave('ClusterRoleBinding')).toEqual(['-20']);
    }
  });

  it('a CronJob alone orders nothing: Argo CD counts it Healthy before its first run, so the store after it waits', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'nonprod');
    const cronOnly = withApps(dist, (apps) =>
      apps.map((a) => (a.name === 'nonprod-vault-bootstrap' ? { ...a, objects: a.objects.filter((o) => !(o.kind === 'Job' && o.metadata.annotations?.['argocd.argoproj.io/hook'])) } : a)),
    );
    expect(app(cronOnly, '-vault-bootstrap').objects.map((o) => o.kind)).toContain('CronJob');
    const result = simulateRollout(cronOnly);
    expect(result.stoppedAt).toMatchObject({ step: 2, application: 'nonprod-vault-bootstrap', reason: 'Degraded: unable to validate store: Vault is not initialized' });
    expect(result.stoppedAt?.resource).toMatch(/^ClusterSecretStore ameide-vault-/);
    // The dev bootstrap renders the hook Job that makes the step wait.
    const hook = app(dist, '-vault-bootstrap').objects.find((o) => o.kind === 'Job')!;
    expect(hook.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-19' });
  });

  it('production stops at the bootstrap step on each manual step not done, naming it', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'prod');
    const stop = (inputs: Parameters<typeof simulateRollout>[1]) => simulateRollout(dist, inputs).stoppedAt;
    expect(stop({})).toEqual({
      step: 2,
      application: 'prod-vault-bootstrap',
      resource: 'Job vault/vault-bootstrap',
      reason: 'Progressing: pod cannot start: secret "vault-bootstrap-token" not found',
      manualStep: { action: 'provision the scoped bootstrap token Secret vault/vault-bootstrap-token', runbook: 'docs/vault-production-bootstrap.md, "3. The bootstrap token"', flag: '--bootstrap-token' },
    });
    // Production Vault speaks TLS (issue 17): the Job and the stores need the runbook's TLS Secret.
    expect(stop({ bootstrapToken: true })?.reason).toBe('Progressing: pod cannot start: secret "vault-tls" not found');
    const tls = { bootstrapToken: true, tlsProvisioned: true } as const;
    expect(stop(tls)?.reason).toBe('Progressing: vault-bootstrap: Vault is not initialized: run the init ceremony (runbook step 2)');
    expect(stop({ ...tls, initCeremony: true })?.reason).toBe('Progressing: vault-bootstrap: Vault is sealed: KMS auto-unseal has not unsealed it (runbook step 1)');
    const values = stop({ ...tls, initCeremony: true, autoUnseal: true });
    expect(values).toMatchObject({ step: 3, resource: expect.stringMatching(/^ExternalSecret production\//) });
    expect(values?.reason).toMatch(/^Degraded: error processing spec\.data\[\w+\]: Secret does not exist: secret\/(production|shared)\//);
  });

  it('every production stop that a manual step explains names its runbook section and its flag; the next run with the flag gets past it', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'prod');
    const runbook = readFileSync(join(REPO_ROOT, 'docs/vault-production-bootstrap.md'), 'utf8');
    const headings = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]!));
    const flags = new Set(rolloutFlags());
    const flagInput: Record<string, keyof typeof RUNBOOK_DONE> = { '--auto-unseal': 'autoUnseal', '--init-ceremony': 'initCeremony', '--bootstrap-token': 'bootstrapToken', '--tls-provisioned': 'tlsProvisioned', '--values-provisioned': 'valuesProvisioned' };
    // Walk the runbook in the order the stops ask for it, recording each step by the flag the stop names.
    let inputs: Partial<Record<keyof typeof RUNBOOK_DONE, boolean>> = {};
    const named: string[] = [];
    for (let stop = simulateRollout(dist, inputs).stoppedAt; stop; stop = simulateRollout(dist, inputs).stoppedAt) {
      const step = stop.manualStep;
      expect(step, `${stop.resource}: ${stop.reason}`).toBeDefined();
      expect(flags.has(step!.flag), step!.flag).toBe(true);
      const section = /^docs\/vault-production-bootstrap\.md, "(.+)"$/.exec(step!.runbook)?.[1];
      expect(section !== undefined && headings.has(section), step!.runbook).toBe(true);
      const input = flagInput[step!.flag]!;
      expect(inputs[input], `${step!.flag} named twice`).toBeUndefined();
      named.push(step!.flag);
      inputs = { ...inputs, [input]: true };
    }
    expect(named.sort()).toEqual(Object.keys(flagInput).sort());
    // A stop that no manual step explains (a defect of the rendered files) names none.
    const broken = withApps(dist, (apps) => apps.map((a) => ({ ...a, objects: a.objects.filter((o) => o.kind !== 'ServiceAccount') })));
    const defect = simulateRollout(broken, RUNBOOK_DONE).stoppedAt;
    expect(defect).toBeDefined();
    expect(defect?.manualStep).toBeUndefined();
  });

  it("a store whose caProvider Secret lacks the CA key cannot talk TLS to Vault, so its step stops there", () => {
    const dist = readClusterDist(exampleDist('nginx'), 'prod');
    const broken = withApps(dist, (apps) =>
      apps.map((a) => ({
        ...a,
        objects: a.objects.map((o) => {
          if (o.kind !== 'ClusterSecretStore') return o;
          const spec = o.spec as { provider: { vault: { caProvider?: Record<string, unknown> } } };
          expect(spec.provider.vault.caProvider).toMatchObject({ type: 'Secret', name: 'vault-tls', key: 'ca.crt' });
          return { ...o, spec: { ...spec, provider: { vault: { ...spec.provider.vault, caProvider: { ...spec.provider.vault.caProvider, key: 'bundle.pem' } } } } };
        }),
      })),
    );
    const result = simulateRollout(broken, RUNBOOK_DONE);
    expect(result.stoppedAt?.resource).toMatch(/^ClusterSecretStore ameide-vault-/);
    expect(result.stoppedAt?.reason).toBe('Degraded: unable to validate store: failed to get caProvider secret vault/vault-tls: no key bundle.pem');
  });

  it('a key an ExternalSecret reads that no fixture seeds stops the secrets step at that ExternalSecret', () => {
    // Validation refuses a catalog key no fixture has, so plant the gap in the rendered ExternalSecret.
    const files = new Map(exampleDist('nginx'));
    const file = 'nonprod/dev/threads/external-secrets.yaml';
    files.set(file, files.get(file)!.replace('property: REDIS_URL', 'property: REDIS_PASSWORD'));
    const result = simulateRollout(readClusterDist(files, 'nonprod'));
    expect(result.stoppedAt).toMatchObject({ step: 3, application: 'nonprod-dev-threads', resource: 'ExternalSecret dev/threads-credentials' });
    expect(result.stoppedAt?.reason).toBe('Degraded: error processing spec.data[REDIS_URL]: cannot find secret data for key: "REDIS_PASSWORD" at secret/dev/threads');
  });

  it('an Ingress the API server refuses fails its Application', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'nonprod');
    const refused = withApps(dist, (apps) =>
      apps.map((a) => {
        if (a.name !== 'nonprod-ai-slot-1-agents') return a;
        const objects = a.objects.map((o) =>
          o.kind === 'Ingress' && o.metadata.name === 'agents-bypass' ? (JSON.parse(JSON.stringify(o).replace('"/api/v1/runs/[^/]+/bypass$"', '"^/api/v1/runs/[^/]+/bypass$"')) as Manifest) : o,
        );
        return { ...a, objects };
      }),
    );
    const result = simulateRollout(refused);
    expect(result.stoppedAt).toEqual({
      step: 3,
      application: 'nonprod-ai-slot-1-agents',
      resource: 'Ingress ai-slot-1/agents-bypass',
      reason: 'Ingress.networking.k8s.io "agents-bypass" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "^/api/v1/runs/[^/]+/bypass$": must be an absolute path',
    });
  });

  it('an Application no RollingSync step selects is never synced by the rollout', () => {
    const dist = readClusterDist(exampleDist('nginx'), 'nonprod');
    const result = simulateRollout({ ...dist, steps: dist.steps!.filter((s) => s[0]!.values[0] !== 'workloads') });
    expect(result.converged).toBe(false);
    expect(result.stoppedAt).toBeUndefined();
    expect(result.unselected).toEqual(['nonprod-oauth2-proxy-ai', 'nonprod-oauth2-proxy-dev']);
  });

  it('without an ingress controller the workloads step waits for an address', () => {
    const result = simulateRollout(readClusterDist(exampleDist('nginx'), 'nonprod'), { ingressController: false });
    expect(result.stoppedAt).toMatchObject({ step: 3, reason: 'Progressing: Waiting for the ingress controller to publish an address' });
  });
});
