import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject, Project } from '../../lib/project/load';
import { renderProject } from '../../lib/synthesis/synthesize';
import { DEFAULT_IMAGES, imagesOf, PINNED_IMAGE } from '../../lib/catalog/images';
import { distObjects, DistObject } from '../support/dist';
import { runSecretops } from '../support/cli';
import { editFile } from '../support/edit';
import { exampleProject, REPO_ROOT } from '../support/tmp';

/** The example dist, read as a security reviewer would: who may sign in, what is pinned, what survives a deletion. */
let project: Project;
let objects: DistObject[];
beforeAll(() => {
  project = loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
  objects = distObjects(renderProject(project, 'services.yaml').files);
});
const ofKind = (kind: string) => objects.filter((o) => o.manifest.kind === kind);
type Container = { image: string; args?: string[]; env?: unknown[]; securityContext?: Record<string, unknown> };
function containersOf(o: DistObject): Container[] {
  const m = o.manifest as unknown as { spec: Record<string, any> };
  const pod = o.manifest.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template?.spec;
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

describe('the example dist, locked by default', () => {
  it('admits only the catalog signIn at every oauth2-proxy instance', () => {
    const args = (name: string) => containersOf(ofKind('Deployment').find((o) => o.manifest.metadata?.name === name)!)[0]!.args!.filter((a) => a.startsWith('--github-'));
    expect(args('oauth2-proxy-dev')).toEqual(['--github-org=ameide', '--github-team=platform']);
    expect(args('oauth2-proxy-ai')).toEqual(['--github-org=ameide', '--github-team=agents,platform']);
    expect(args('oauth2-proxy-production')).toEqual(['--github-org=ameide', '--github-team=sre']);
  });

  it('pins every image by tag and digest, from lib/catalog/images.ts', () => {
    const workloads = [...ofKind('Deployment'), ...ofKind('Job'), ...ofKind('CronJob')];
    expect(workloads.length).toBeGreaterThan(4);
    const images = new Set(workloads.flatMap((o) => containersOf(o).map((c) => c.image)));
    for (const image of images) expect(image).toMatch(PINNED_IMAGE);
    expect([...images].sort()).toEqual([...new Set(Object.values(DEFAULT_IMAGES))].sort());
    expect(DEFAULT_IMAGES.oauth2Proxy).toMatch(/:v7\.\d+\.\d+@sha256:/);
    expect(JSON.stringify([...images])).not.toMatch(/netshoot|alpine\/k8s/);
  });

  it('gives every oauth2-proxy container no capabilities, seccomp RuntimeDefault and no credential in the environment', () => {
    for (const o of ofKind('Deployment').filter((d) => d.manifest.metadata?.name?.startsWith('oauth2-proxy-'))) {
      const [c] = containersOf(o);
      expect(c!.securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, readOnlyRootFilesystem: true });
      expect(c!.env).toBeUndefined();
    }
  });

  it('labels every namespace for Pod Security (restricted) and keeps Argo CD from pruning or deleting it', () => {
    const namespaces = ofKind('Namespace');
    expect(namespaces.length).toBeGreaterThan(3);
    for (const ns of namespaces) {
      expect(ns.manifest.metadata?.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
      expect(ns.manifest.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    }
  });

  it('puts the Applications in a dedicated AppProject and keeps resources when an ApplicationSet is deleted', () => {
    const [proj] = ofKind('AppProject');
    const spec = (proj!.manifest as unknown as { spec: Record<string, unknown> }).spec;
    expect(proj!.manifest.metadata?.name).toBe('ameide');
    expect(spec.sourceRepos).toEqual(['https://github.com/ameide/ameide.git']);
    expect(spec.destinations).toEqual([
      { name: 'prod', namespace: '*' },
      { name: 'nonprod', namespace: '*' },
    ]);
    expect(spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'external-secrets.io', kind: 'ClusterSecretStore' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ]);
    for (const set of ofKind('ApplicationSet')) {
      const s = (set.manifest as unknown as { spec: { syncPolicy: unknown; template: { spec: { project: string } } } }).spec;
      expect(s.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
      expect(s.template.spec.project).toBe('ameide');
    }
  });
});

describe('the documented opt-outs', () => {
  it('spec.argocd.project uses that project and renders none; spec.podSecurity loosens enforce, never warn or audit', async () => {
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '  github:\n    repository: ameide/ameide\n', '  github:\n    repository: ameide/ameide\n  argocd:\n    project: platform\n  podSecurity: baseline\n');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'dist', '_argocd'))).not.toContain('appproject.yaml');
    expect(readFileSync(join(dir, 'dist', '_argocd', 'applicationset-prod.yaml'), 'utf8')).toContain('project: platform');
    const ns = readFileSync(join(dir, 'dist', 'prod', '_cluster', 'namespaces', 'namespaces.yaml'), 'utf8');
    expect(ns).toContain('pod-security.kubernetes.io/enforce: baseline');
    expect(ns).toContain('pod-security.kubernetes.io/warn: restricted');
  });

  it('spec.images overrides an image; validate refuses one not pinned by digest', async () => {
    const pinned = `registry.example/tools:1.0@sha256:${'a'.repeat(64)}`;
    expect(imagesOf({ ...project.catalog, spec: { ...project.catalog.spec, images: { readinessGate: pinned } } }).readinessGate).toBe(pinned);
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '  github:\n', '  images:\n    oauth2Proxy: quay.io/oauth2-proxy/oauth2-proxy:latest\n  github:\n');
    const r = await runSecretops(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/spec\/images\/oauth2Proxy/);
  });

  it('spec.vault.isolation: shared keeps the single store of every namespace', async () => {
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '    isolation: environment\n', '    isolation: shared\n');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.stderr).toBe('');
    const store = readFileSync(join(dir, 'dist', 'nonprod', '_cluster', 'vault-bootstrap', 'cluster-secret-store.yaml'), 'utf8');
    expect(store.match(/kind: ClusterSecretStore/g)).toHaveLength(1);
    expect(store).toContain('name: ameide-vault\n');
    expect(store).not.toContain('conditions');
    expect(readFileSync(join(dir, 'dist', 'nonprod', 'dev', 'agents', 'external-secrets.yaml'), 'utf8')).toContain('name: ameide-vault\n');
  });

  it('ingress.public serves one service without oauth2-proxy; ingressAuth: none a whole environment', async () => {
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '      requireApproval: true\n', '      requireApproval: true\n      ingressAuth: none\n');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dir, 'dist', 'prod', 'production', 'platform', 'ingress.yaml'), 'utf8')).not.toContain('auth-url');
    expect(readFileSync(join(dir, 'dist', 'nonprod', 'dev', 'platform', 'ingress.yaml'), 'utf8')).toContain('auth-url');
    expect(readFileSync(join(dir, 'dist', 'nonprod', 'dev', 'keycloak', 'ingress.yaml'), 'utf8')).not.toContain('auth-url');
  });
});
