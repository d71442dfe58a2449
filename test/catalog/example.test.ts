import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { REPO_ROOT } from '../support/tmp';

describe('the example catalog', () => {
  it('validates', async () => {
    const r = await runSecretops(['validate'], { cwd: REPO_ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/services\.yaml: valid \(12 services, 3 environments, 4 fixture files\)/);
    expect(r.code).toBe(0);
  });

  it('resolves the ai override key through the alias', async () => {
    const r = await runSecretops(['resolve', '--env', 'ai-staging', '--service', 'oauth2-proxy', '--format', 'json'], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.environment).toBe('ai');
    expect(out.alias).toBe('ai-staging');
    const id = out.resolutions.find((x: { key: string }) => x.key === 'GITHUB_OAUTH_CLIENT_ID');
    expect(id.winner).toEqual({ tier: 'env-override', sourceKey: 'GITHUB_OAUTH_CLIENT_ID_AI', location: 'secret/shared/oauth2-proxy#GITHUB_OAUTH_CLIENT_ID_AI' });
  });
});
