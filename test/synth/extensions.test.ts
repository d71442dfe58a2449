import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeConfigMap } from '../../lib/constructs/k8s';
import { loadProject, Project } from '../../lib/project/load';
import { buildApp } from '../../lib/synthesis/build-app';
import { renderDist } from '../../lib/synthesis/dist-writer';
import { defaultIngressRoutes, SynthExtensions } from '../../lib/synthesis/extensions';
import { planSynthesis } from '../../lib/synthesis/plan';
import { distObjects } from '../support/dist';
import { REPO_ROOT } from '../support/tmp';

let project: Project;
beforeAll(() => {
  project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
});

const render = (ext: SynthExtensions) => {
  const files = renderDist(buildApp(planSynthesis(project), ext), 'services.yaml').files;
  return { files, objects: distObjects(files) };
};

describe('synth extension points', () => {
  it('renders the ingresses an ingressRoutes function returns: a bypass route is a second ingress without external auth', () => {
    const { objects } = render({
      ingressRoutes: (s) => [
        ...defaultIngressRoutes(s),
        ...(s.instance.slot !== undefined && s.service.ingress?.bypassPaths
          ? [{ name: `${s.service.name}-bypass`, route: 'bypass' as const, paths: s.service.ingress.bypassPaths.map((path) => ({ path, pathType: 'ImplementationSpecific' as const })) }]
          : []),
      ],
    });
    const slot = objects.filter((o) => o.file === 'nonprod/ai-slot-1/agents/ingress.yaml').map((o) => o.manifest);
    expect(slot.map((m) => m.metadata?.name)).toEqual(['agents', 'agents-bypass']);
    const bypass = slot[1]!;
    expect(bypass.metadata?.annotations?.['secretops.dev/route']).toBe('bypass');
    expect(Object.keys(bypass.metadata!.annotations!).filter((k) => k.includes('auth-'))).toEqual([]);
    expect((bypass as unknown as { spec: { rules: { http: { paths: { path: string }[] } }[] } }).spec.rules[0]!.http.paths.map((p) => p.path)).toEqual(['/api/v1/runs/*/bypass']);
    expect(objects.filter((o) => o.file.startsWith('prod/') && o.manifest.metadata?.name === 'agents-bypass')).toEqual([]);
  });

  it('gives cluster hooks their own component folder, described for the ApplicationSet and stamped', () => {
    const { files, objects } = render({
      clusterHooks: [
        (ctx) => {
          const component = ctx.component('vault-bootstrap', 'bootstrap', 'vault');
          const chart = ctx.addChart(component, 'bootstrap.yaml', { name: 'vault-bootstrap', component: 'bootstrap' });
          new KubeConfigMap(chart, 'script', { metadata: { name: 'vault-bootstrap', namespace: 'vault' }, data: { 'run.sh': 'true' } });
        },
      ],
    });
    expect(JSON.parse(files.get('nonprod/_cluster/vault-bootstrap/component.json')!)).toEqual({ app: 'nonprod-vault-bootstrap', cluster: 'nonprod', namespace: 'vault', stage: 'bootstrap', wave: '-20' });
    const cm = objects.find((o) => o.file === 'prod/_cluster/vault-bootstrap/bootstrap.yaml')!.manifest;
    expect(cm.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': 'vault-bootstrap', 'app.kubernetes.io/managed-by': 'secretops', 'app.kubernetes.io/part-of': 'ameide' });
    expect(cm.metadata?.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '-20', 'secretops.dev/cluster': 'prod' });
  });

  it('lets service-instance hooks add charts to the service folder, so hooks run in the same Application', () => {
    const seen: string[] = [];
    const { objects } = render({
      serviceInstanceHooks: [
        (ctx) => {
          seen.push(`${ctx.service.instance.name}/${ctx.service.service.name}`);
          if (!ctx.service.service.migrations) return;
          const chart = ctx.addChart('readiness-gate.yaml', { component: 'readiness-gate' });
          new KubeConfigMap(chart, 'gate', { metadata: { name: `${ctx.service.service.name}-gate`, namespace: ctx.service.namespace } });
        },
      ],
    });
    expect(seen).toContain('ai-slot-3/db-migrations');
    expect(seen.length).toBe(11 * 5);
    const gates = objects.filter((o) => o.file.endsWith('/db-migrations/readiness-gate.yaml'));
    expect(gates.map((o) => o.file).sort()).toEqual([
      'nonprod/ai-slot-1/db-migrations/readiness-gate.yaml',
      'nonprod/ai-slot-2/db-migrations/readiness-gate.yaml',
      'nonprod/ai-slot-3/db-migrations/readiness-gate.yaml',
      'nonprod/dev/db-migrations/readiness-gate.yaml',
      'prod/production/db-migrations/readiness-gate.yaml',
    ]);
    expect(gates[0]!.manifest.metadata?.annotations).toMatchObject({ 'secretops.dev/source': 'services.yaml#/spec/services/2', 'secretops.dev/instance': 'ai-slot-1' });
  });
});
