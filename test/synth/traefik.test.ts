import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../lib/project/load';
import { renderProject } from '../../lib/synthesis/synthesize';
import { distObjects } from '../support/dist';
import { exampleProject } from '../support/tmp';

describe('the Traefik adapter, selected per cluster', () => {
  it('protects AI-slot ingresses with a forwardAuth Middleware to the AI instance, and leaves the nginx cluster as it was', () => {
    const dir = exampleProject();
    const file = join(dir, 'services.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('- name: nonprod\n      ingress: nginx\n      ingressClassName: nginx', '- name: nonprod\n      ingress: traefik\n      ingressClassName: traefik'));
    const objects = distObjects(renderProject(loadProject({ servicesFile: file }), 'services.yaml').files);

    const slot = objects.filter((o) => o.file === 'nonprod/ai-slot-2/agents/ingress.yaml');
    const middleware = slot.find((o) => o.manifest.kind === 'Middleware')!;
    const ingress = slot.find((o) => o.manifest.kind === 'Ingress')!;
    expect(middleware.manifest.apiVersion).toBe('traefik.io/v1alpha1');
    expect(middleware.manifest.metadata).toMatchObject({ name: 'agents-oauth2-proxy', namespace: 'ai-slot-2' });
    expect((middleware.manifest as unknown as { spec: unknown }).spec).toEqual({
      forwardAuth: { address: 'http://oauth2-proxy-ai.platform.svc.cluster.local:4180/', trustForwardHeader: true, authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email'] },
    });
    expect(middleware.manifest.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('secretops');
    const annotations = ingress.manifest.metadata!.annotations!;
    expect(annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('ai-slot-2-agents-oauth2-proxy@kubernetescrd');
    expect(Object.keys(annotations).filter((k) => k.startsWith('nginx.'))).toEqual([]);
    expect((ingress.manifest as unknown as { spec: { ingressClassName: string } }).spec.ingressClassName).toBe('traefik');

    const prod = objects.filter((o) => o.file.startsWith('prod/') && o.manifest.kind === 'Middleware');
    expect(prod).toEqual([]);
  });
});
