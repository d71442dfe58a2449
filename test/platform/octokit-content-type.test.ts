import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * @octokit/request depends on content-type@3, which declares `engines: node >= 22` although its
 * code runs on Node 20 (npm only warns). This proves the response-parsing path that uses it works
 * on the Node running the suite (20 and 24 in CI), against a local server.
 */
describe('Octokit response parsing on this Node', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/text') {
        res.setHeader('content-type', 'text/plain; charset="utf-8"');
        res.end('plain');
        return;
      }
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ login: 'octocat' }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('parses JSON and text bodies by their content type', async () => {
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({ baseUrl });
    expect((await octokit.request('GET /user')).data).toEqual({ login: 'octocat' });
    expect((await octokit.request('GET /text')).data).toBe('plain');
  });
});
