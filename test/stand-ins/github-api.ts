import type { IncomingMessage, ServerResponse } from 'node:http';
import sodium from 'libsodium-wrappers';
import { LocalHttpServer, readBody } from './local-server';

/**
 * A local stand-in for the GitHub REST API parts secretops uses for Actions secrets: environments
 * (`PUT/GET /repos/{o}/{r}/environments/{env}`), environment and repository secrets (public key,
 * list, get, PUT with 201 created / 204 updated). Each scope holds a real libsodium key pair and
 * the stand-in opens every sealed box, so tests assert the stored value; a box that does not open
 * or names a stale key id is a 422, as on GitHub. Faults: 403 primary and secondary rate limits
 * (with the headers Octokit's throttling plugin reads), 5xx and 422.
 */

export interface GithubRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface GithubFault {
  /** 403, 422, 500, 502, 503... */
  readonly status: number;
  /** For 403: which rate limit to report. @default "primary" */
  readonly rateLimit?: 'primary' | 'secondary';
  readonly match?: (req: { method: string; path: string }) => boolean;
  /** @default 1 */
  readonly times?: number;
}

interface Scope {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  secrets: Map<string, { value: string; created_at: string; updated_at: string }>;
}

const FIXED_TIME = '2026-01-01T00:00:00Z';

export class GithubApiStandIn extends LocalHttpServer {
  private readonly scopes = new Map<string, Scope>();
  private readonly environments = new Set<string>();
  private readonly faults: { fault: GithubFault; left: number }[] = [];
  private keySerial = 0;
  readonly requests: GithubRecordedRequest[] = [];
  readonly token: string;
  /** Repositories that exist (`owner/name`); others answer 404. */
  readonly repositories: Set<string>;

  constructor(opts: { token?: string; repositories?: readonly string[] } = {}) {
    super();
    this.token = opts.token ?? 'ghs_standin';
    this.repositories = new Set(opts.repositories ?? ['ameide/ameide']);
  }

  override async start(): Promise<this> {
    await sodium.ready;
    return super.start();
  }

  get url(): string {
    return this.origin;
  }

  /** The decrypted value of an environment secret (`environment` set) or a repository secret. */
  secret(repository: string, name: string, environment?: string): string | undefined {
    return this.scopes.get(scopeKey(repository, environment))?.secrets.get(name.toUpperCase())?.value;
  }

  /** Names of the secrets in a scope, sorted. */
  secretNames(repository: string, environment?: string): string[] {
    return [...(this.scopes.get(scopeKey(repository, environment))?.secrets.keys() ?? [])].sort();
  }

  hasEnvironment(repository: string, environment: string): boolean {
    return this.environments.has(scopeKey(repository, environment));
  }

  /** Adds secrets without going through the API (to fill a scope up to its limit, say). */
  seedSecret(repository: string, name: string, value: string, environment?: string): void {
    if (environment) this.environments.add(scopeKey(repository, environment));
    this.scope(scopeKey(repository, environment)).secrets.set(name.toUpperCase(), { value, created_at: FIXED_TIME, updated_at: FIXED_TIME });
  }

  /** Replaces a scope's key pair, as GitHub may: boxes sealed for the old key id are refused. */
  rotateKey(repository: string, environment?: string): void {
    const s = this.scope(scopeKey(repository, environment));
    Object.assign(s, this.keyPair());
  }

  fail(fault: GithubFault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** Secret writes (PUT of a secret) that GitHub accepted. */
  secretWrites(): GithubRecordedRequest[] {
    return this.requests.filter((r) => r.method === 'PUT' && /\/secrets\/[^/]+$/.test(r.path) && r.status < 300);
  }

  private keyPair() {
    const kp = sodium.crypto_box_keypair();
    return { keyId: `key-${++this.keySerial}`, publicKey: kp.publicKey, privateKey: kp.privateKey };
  }

  private scope(key: string): Scope {
    let s = this.scopes.get(key);
    if (!s) {
      s = { ...this.keyPair(), secrets: new Map() };
      this.scopes.set(key, s);
    }
    return s;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path, status });
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', ...headers });
      res.end(text);
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) }, headers);

    const bodyText = await readBody(req);
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return error(401, 'Bad credentials');

    const fi = this.faults.findIndex((f) => f.left > 0 && (!f.fault.match || f.fault.match({ method, path })));
    if (fi >= 0) {
      const f = this.faults[fi]!;
      if (--f.left === 0) this.faults.splice(fi, 1);
      if (f.fault.status === 403 && f.fault.rateLimit === 'secondary') {
        return error(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' });
      }
      if (f.fault.status === 403) {
        return error(403, 'API rate limit exceeded for installation.', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) });
      }
      if (f.fault.status === 422) return error(422, 'Validation Failed');
      return error(f.fault.status, 'Server Error');
    }

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return error(404, 'Not Found');
    const repository = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    if (!this.repositories.has(repository)) return error(404, 'Not Found');
    const rest = m[3] ?? '';

    let scope: string;
    let sub: string;
    const env = /^\/environments\/([^/]+)(\/.*)?$/.exec(rest);
    if (env) {
      const name = decodeURIComponent(env[1]!);
      const key = scopeKey(repository, name);
      if (!env[2]) {
        if (method === 'PUT') {
          this.environments.add(key);
          return send(200, { id: 1, name, url: `${this.url}/repos/${repository}/environments/${name}`, created_at: FIXED_TIME, updated_at: FIXED_TIME, protection_rules: [] });
        }
        if (method === 'GET') return this.environments.has(key) ? send(200, { id: 1, name }) : error(404, 'Not Found');
        return error(404, 'Not Found');
      }
      if (!this.environments.has(key)) return error(404, 'Not Found');
      if (!env[2].startsWith('/secrets')) return error(404, 'Not Found');
      scope = key;
      sub = env[2].slice('/secrets'.length);
    } else if (rest.startsWith('/actions/secrets')) {
      scope = scopeKey(repository);
      sub = rest.slice('/actions/secrets'.length);
    } else return error(404, 'Not Found');

    const s = this.scope(scope);
    if (sub === '/public-key' && method === 'GET') return send(200, { key_id: s.keyId, key: Buffer.from(s.publicKey).toString('base64') });
    if (sub === '' && method === 'GET') {
      const all = [...s.secrets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, v]) => ({ name, created_at: v.created_at, updated_at: v.updated_at }));
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
      const page = Number(url.searchParams.get('page') ?? 1) || 1;
      return send(200, { total_count: all.length, secrets: all.slice((page - 1) * perPage, page * perPage) });
    }
    const named = /^\/([^/]+)$/.exec(sub);
    if (!named) return error(404, 'Not Found');
    const name = decodeURIComponent(named[1]!).toUpperCase();
    if (method === 'GET') {
      const v = s.secrets.get(name);
      return v ? send(200, { name, created_at: v.created_at, updated_at: v.updated_at }) : error(404, 'Not Found');
    }
    if (method === 'PUT') {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || name.startsWith('GITHUB_')) return error(422, 'Invalid secret name');
      let body: { encrypted_value?: string; key_id?: string };
      try {
        body = JSON.parse(bodyText);
      } catch {
        return error(400, 'Problems parsing JSON');
      }
      if (!body.encrypted_value || !body.key_id) return error(422, 'Invalid request.');
      if (body.key_id !== s.keyId) return error(422, 'Bad key id');
      let value: string;
      try {
        value = sodium.to_string(sodium.crypto_box_seal_open(Buffer.from(body.encrypted_value, 'base64'), s.publicKey, s.privateKey));
      } catch {
        return error(422, 'Could not decrypt the secret');
      }
      const existing = s.secrets.get(name);
      s.secrets.set(name, { value, created_at: existing?.created_at ?? FIXED_TIME, updated_at: FIXED_TIME });
      return send(existing ? 204 : 201, existing ? undefined : {});
    }
    return error(404, 'Not Found');
  }
}

function scopeKey(repository: string, environment?: string): string {
  return environment ? `${repository}|env|${environment}` : `${repository}|repo`;
}
