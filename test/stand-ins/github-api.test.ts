import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../lib/sync/github';
import { GithubApiStandIn } from './github-api';

/** The stand-in must hold GitHub's contract for the plain Octokit client, or tests against it prove nothing. */
describe('GitHub API stand-in through @octokit/rest', () => {
  const api = new GithubApiStandIn({ token: 'ghs_contract' });
  let octokit: Octokit;
  const repo = { owner: 'ameide', repo: 'ameide' };

  beforeAll(async () => {
    await api.start();
    octokit = new Octokit({ auth: 'ghs_contract', baseUrl: api.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
  });
  afterAll(() => api.stop());

  it('creates (201), updates (204) and opens the sealed box', async () => {
    const { data: pk } = await octokit.rest.actions.getRepoPublicKey(repo);
    const put = (value: string) => seal(value, pk.key).then((encrypted_value) => octokit.rest.actions.createOrUpdateRepoSecret({ ...repo, secret_name: 'A_TOKEN', encrypted_value, key_id: pk.key_id }));
    expect((await put('one')).status).toBe(201);
    expect((await put('two')).status).toBe(204);
    expect(api.secret('ameide/ameide', 'A_TOKEN')).toBe('two');
    const { data } = await octokit.rest.actions.listRepoSecrets(repo);
    expect(data.total_count).toBe(1);
    expect(JSON.stringify(data)).not.toContain('two');
  });

  it('refuses stale key ids, GITHUB_ names, boxes for another key, unknown environments and bad tokens', async () => {
    await octokit.rest.repos.createOrUpdateEnvironment({ ...repo, environment_name: 'dev' });
    const { data: pk } = await octokit.rest.actions.getEnvironmentPublicKey({ ...repo, environment_name: 'dev' });
    const { data: other } = await octokit.rest.actions.getRepoPublicKey(repo);
    const envPut = (name: string, key: string, keyId: string) =>
      seal('v', key).then((encrypted_value) => octokit.rest.actions.createOrUpdateEnvironmentSecret({ ...repo, environment_name: 'dev', secret_name: name, encrypted_value, key_id: keyId }));
    await expect(envPut('GITHUB_X', pk.key, pk.key_id)).rejects.toMatchObject({ status: 422 });
    await expect(envPut('X', other.key, pk.key_id)).rejects.toMatchObject({ status: 422 });
    api.rotateKey('ameide/ameide', 'dev');
    await expect(envPut('X', pk.key, pk.key_id)).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.actions.getEnvironmentPublicKey({ ...repo, environment_name: 'nope' })).rejects.toMatchObject({ status: 404 });
    await expect(new Octokit({ auth: 'wrong', baseUrl: api.url, log: { debug() {}, info() {}, warn() {}, error() {} } }).rest.actions.getRepoPublicKey(repo)).rejects.toMatchObject({ status: 401 });
  });

  it('answers rate limits with the headers Octokit reads', async () => {
    api.fail({ status: 403 });
    const primary = await octokit.rest.actions.getRepoPublicKey(repo).catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(primary).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    api.fail({ status: 403, rateLimit: 'secondary' });
    const secondary = await octokit.rest.actions.getRepoPublicKey(repo).catch((e: { status: number; message: string; response: { headers: Record<string, string> } }) => e);
    expect(secondary).toMatchObject({ status: 403, response: { headers: { 'retry-after': '1' } } });
    expect((secondary as { message: string }).message).toMatch(/secondary rate limit/);
  });
});
