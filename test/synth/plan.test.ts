import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../lib/project/load';
import { allServiceInstances, ingressHost, planSynthesis } from '../../lib/synthesis/plan';
import { exampleProject, REPO_ROOT } from '../support/tmp';

describe('planSynthesis', () => {
  it('plans one singleton instance per cluster and set of credentials', () => {
    const plan = planSynthesis(loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') }));
    const singletons = plan.clusters.map((c) => [c.model.name, c.singletons.map((s) => [s.name, s.environments.map((e) => e.name), s.oauth?.clientSourceKey])]);
    expect(singletons).toEqual([
      ['prod', [['oauth2-proxy-production', ['production'], 'GITHUB_OAUTH_CLIENT_ID']]],
      ['nonprod', [['oauth2-proxy-ai', ['ai'], 'GITHUB_OAUTH_CLIENT_ID_AI'], ['oauth2-proxy-dev', ['dev'], 'GITHUB_OAUTH_CLIENT_ID']]],
    ]);
  });

  it('shares one instance between environments whose credentials resolve to the same Vault keys, covering both domains', () => {
    const dir = exampleProject();
    const file = join(dir, 'services.yaml');
    const text = readFileSync(file, 'utf8');
    // Without the ai overrides, ai and dev read the same shared keys: one OAuth client, one instance.
    writeFileSync(file, text.replace(/ {4}keyOverrides:\n(?: {6}.*\n| {8}.*\n)+/, ''));
    const plan = planSynthesis(loadProject({ servicesFile: file }));
    const nonprod = plan.clusters.find((c) => c.model.name === 'nonprod')!;
    expect(nonprod.singletons.map((s) => s.name)).toEqual(['oauth2-proxy-ai']);
    expect(nonprod.singletons[0]!.oauth).toMatchObject({ domains: ['ai.ameide.dev', 'dev.ameide.dev'], hosts: ['oauth2.ai.ameide.dev', 'oauth2.dev.ameide.dev'] });
    const dev = allServiceInstances(plan).find((s) => s.instance.name === 'dev' && s.service.name === 'agents')!;
    expect(dev.ingress?.auth?.name).toBe('oauth2-proxy-ai');
  });

  it('gives slots their own host under the environment domain', () => {
    const plan = planSynthesis(loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') }));
    const hosts = allServiceInstances(plan)
      .filter((s) => s.service.name === 'platform')
      .map((s) => s.ingress?.host);
    expect(hosts).toEqual(['app.ameide.io', 'app-slot-1.ai.ameide.dev', 'app-slot-2.ai.ameide.dev', 'app-slot-3.ai.ameide.dev', 'app.dev.ameide.dev']);
    expect(ingressHost({ host: 'x', port: 1 }, { environment: { name: 'e', tier: 'dev', cluster: 'c', domain: 'd.io' }, name: 'e' })).toBe('x.d.io');
  });

  it('leaves out optional keys that exist nowhere, and keeps base values out of Vault references', () => {
    const plan = planSynthesis(loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') }));
    const agents = allServiceInstances(plan).find((s) => s.instance.name === 'production' && s.service.name === 'agents')!;
    const db = agents.secrets.find((s) => s.spec.name === 'agents-db-credentials')!;
    expect(db.vaultKeys.map((k) => k.secretKey)).toEqual(['DATABASE_URL']); // SENTRY_DSN is optional and nowhere
    expect(db.baseValues).toEqual([{ key: 'DATABASE_POOL_SIZE', value: '10', pointer: '/spec/services/0/secrets/0/keys/1' }]);
  });
});
