import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the parts of Vault's HTTP API the bootstrap uses, on 127.0.0.1 port 0.
 * It keeps the real contract: `sys/health` status codes (200 active, 429 standby, 501 not
 * initialized, 503 sealed, with the `standbyok`/`*code` query overrides), init and unseal state,
 * 503 for everything else while sealed, `X-Vault-Token` checks (403 "permission denied"), ACL
 * capabilities per token (`sys/capabilities-self`, and enforced on each request, `sudo` where Vault
 * requires it), 400 for absent mounts on `GET sys/mounts/:path` and `GET sys/auth/:path`, KV v2
 * versions with check-and-set, and 204 for writes without a body.
 *
 * @see https://developer.hashicorp.com/vault/api-docs
 */
export type Capability = 'create' | 'read' | 'update' | 'delete' | 'list' | 'sudo' | 'deny' | 'root';

export interface StandInToken {
  readonly policies: readonly string[];
  /** Path (a trailing `*` is a prefix glob, as in Vault policies) -> capabilities. Ignored for root. */
  readonly capabilities?: Readonly<Record<string, readonly Capability[]>>;
  /** Seconds; 0 never expires. */
  readonly ttl?: number;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path after `/v1/`, without the query. */
  readonly path: string;
}

interface KvEntry {
  versions: { data: Record<string, string> | null }[];
}

export interface VaultState {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  unsealKey?: string;
  rootToken?: string;
  tokens: Map<string, StandInToken>;
  mounts: Map<string, { type: string; options: Record<string, string> }>;
  auth: Map<string, { type: string; config?: Record<string, unknown>; roles: Map<string, Record<string, unknown>> }>;
  policies: Map<string, string>;
  /** `mount/path` -> versions. */
  kv: Map<string, KvEntry>;
}

export interface VaultStandIn {
  readonly url: string;
  readonly state: VaultState;
  readonly requests: RecordedRequest[];
  /** Requests that change state (everything but reads, health and `sys/capabilities-self`). */
  writes(): RecordedRequest[];
  /** Adds a token and returns it. */
  addToken(token: StandInToken): string;
  /** The latest data at `mount/path`, or undefined. */
  kvData(mount: string, path: string): Record<string, string> | undefined;
  /** Writes a KV v2 version directly (as an operator would). */
  putKv(mount: string, path: string, data: Record<string, string>): void;
  close(): Promise<void>;
}

export interface VaultStandInOptions {
  /** Start initialized and unsealed with a root token (`state.rootToken`). @default false */
  readonly initialized?: boolean;
  /** With `initialized`, start sealed (as after a restart without auto-unseal). @default false */
  readonly sealed?: boolean;
}

const json = (res: ServerResponse, status: number, body?: unknown) => {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
const errors = (res: ServerResponse, status: number, ...messages: string[]) => json(res, status, { errors: messages });

/** Paths where Vault requires `sudo` in addition to the operation's capability. */
const SUDO_PATHS = [/^sys\/auth\//];

function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

export function capabilitiesOf(token: StandInToken, path: string): Capability[] {
  if (token.policies.includes('root')) return ['root'];
  const caps = new Set<Capability>();
  for (const [pattern, granted] of Object.entries(token.capabilities ?? {})) if (matches(pattern, path)) for (const c of granted) caps.add(c);
  if (caps.has('deny')) return ['deny'];
  return [...caps].sort();
}

function newToken(): string {
  return `hvs.${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  return JSON.parse(text);
}

export async function startVaultStandIn(opts: VaultStandInOptions = {}): Promise<VaultStandIn> {
  const state: VaultState = {
    initialized: false,
    sealed: true,
    standby: false,
    tokens: new Map(),
    mounts: new Map([
      ['sys', { type: 'system', options: {} }],
      ['cubbyhole', { type: 'cubbyhole', options: {} }],
    ]),
    auth: new Map([['token', { type: 'token', roles: new Map() }]]),
    policies: new Map([['default', '# default policy\n']]),
    kv: new Map(),
  };
  const requests: RecordedRequest[] = [];

  const initialize = () => {
    state.initialized = true;
    state.sealed = true;
    state.unsealKey = randomBytes(32).toString('base64');
    state.rootToken = newToken();
    state.tokens.set(state.rootToken, { policies: ['root'], ttl: 0 });
  };
  if (opts.initialized) {
    initialize();
    state.sealed = opts.sealed ?? false;
  }

  const kvMountOf = (path: string): { mount: string; rest: string } | undefined => {
    for (const [mount, m] of state.mounts) {
      if (m.type === 'kv' && m.options.version === '2' && path.startsWith(`${mount}/data/`)) return { mount, rest: path.slice(mount.length + 6) };
    }
    return undefined;
  };

  const health = (res: ServerResponse, query: URLSearchParams) => {
    const code = (name: string, fallback: number) => (query.has(name) ? Number(query.get(name)) : fallback);
    let status = 200;
    if (!state.initialized) status = code('uninitcode', 501);
    else if (state.sealed) status = code('sealedcode', 503);
    else if (state.standby) status = query.get('standbyok') === 'true' ? 200 : code('standbycode', 429);
    json(res, status, { initialized: state.initialized, sealed: state.sealed, standby: state.standby, version: '1.17.0' });
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/v1/')) return errors(res, 404);
    const path = url.pathname.slice(4).replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    requests.push({ method, path });
    let body: Record<string, unknown> = {};
    try {
      body = (await readBody(req)) as Record<string, unknown>;
    } catch {
      return errors(res, 400, 'failed to parse JSON input');
    }

    // Unauthenticated system endpoints.
    if (path === 'sys/health' && (method === 'GET' || method === 'HEAD')) return health(res, url.searchParams);
    if (path === 'sys/init') {
      if (method === 'GET') return json(res, 200, { initialized: state.initialized });
      if (method !== 'PUT' && method !== 'POST') return errors(res, 405);
      if (state.initialized) return errors(res, 400, 'Vault is already initialized');
      if (body.secret_shares !== 1 || body.secret_threshold !== 1) return errors(res, 400, 'this stand-in supports one key share');
      initialize();
      const key = Buffer.from(state.unsealKey!, 'base64');
      return json(res, 200, { keys: [key.toString('hex')], keys_base64: [state.unsealKey], root_token: state.rootToken });
    }
    if (path === 'sys/unseal' && (method === 'PUT' || method === 'POST')) {
      if (!state.initialized) return errors(res, 400, 'Vault is not initialized');
      const given = String(body.key ?? '');
      const expected = Buffer.from(state.unsealKey!, 'base64');
      const ok = given === state.unsealKey || given === expected.toString('hex');
      if (!ok) return errors(res, 400, 'unseal failed, invalid key');
      state.sealed = false;
      return json(res, 200, { type: 'shamir', initialized: true, sealed: false, t: 1, n: 1, progress: 0 });
    }
    if (state.sealed || !state.initialized) return errors(res, 503, 'Vault is sealed');

    const tokenId = req.headers['x-vault-token'];
    const token = typeof tokenId === 'string' ? state.tokens.get(tokenId) : undefined;
    if (!token) return errors(res, 403, 'permission denied');

    if (path === 'auth/token/lookup-self' && method === 'GET') {
      return json(res, 200, { data: { policies: [...token.policies].sort(), ttl: token.ttl ?? 0, display_name: 'token' } });
    }
    if (path === 'sys/capabilities-self' && (method === 'POST' || method === 'PUT')) {
      const paths = Array.isArray(body.paths) ? (body.paths as string[]) : typeof body.path === 'string' ? [body.path] : [];
      const out: Record<string, unknown> = {};
      for (const p of paths) out[p] = capabilitiesOf(token, p);
      if (paths.length === 1) out.capabilities = out[paths[0]!];
      return json(res, 200, out);
    }

    const exists = resourceExists(path);
    const needed: Capability[] = method === 'GET' ? ['read'] : method === 'DELETE' ? ['delete'] : [exists ? 'update' : 'create'];
    if (SUDO_PATHS.some((re) => re.test(path))) needed.push('sudo');
    const granted = capabilitiesOf(token, path);
    if (!granted.includes('root') && !needed.every((c) => granted.includes(c))) return errors(res, 403, 'permission denied');

    return route(method, path, body, res);
  }

  function resourceExists(path: string): boolean {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^sys\/mounts\/(.+)$/))) return state.mounts.has(m[1]!);
    if ((m = path.match(/^sys\/auth\/(.+)$/))) return state.auth.has(m[1]!);
    if ((m = path.match(/^sys\/policies\/acl\/(.+)$/))) return state.policies.has(m[1]!);
    if ((m = path.match(/^auth\/(.+)\/role\/([^/]+)$/))) return state.auth.get(m[1]!)?.roles.has(m[2]!) ?? false;
    if ((m = path.match(/^auth\/(.+)\/config$/))) return state.auth.get(m[1]!)?.config !== undefined;
    const kv = kvMountOf(path);
    if (kv) return state.kv.has(`${kv.mount}/${kv.rest}`);
    return false;
  }

  function route(method: string, path: string, body: Record<string, unknown>, res: ServerResponse) {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^sys\/mounts\/(.+)$/))) {
      const name = m[1]!;
      const mount = state.mounts.get(name);
      if (method === 'GET') {
        if (!mount) return errors(res, 400, `No secret engine mount at ${name}/`);
        return json(res, 200, { type: mount.type, options: mount.options, data: { type: mount.type, options: mount.options } });
      }
      if (method === 'POST' || method === 'PUT') {
        if (mount) return errors(res, 400, `path is already in use at ${name}/`);
        const options = (body.options ?? {}) as Record<string, string>;
        state.mounts.set(name, { type: String(body.type), options: { ...options } });
        return json(res, 204);
      }
    }
    if ((m = path.match(/^sys\/auth\/(.+)$/))) {
      const name = m[1]!;
      const auth = state.auth.get(name);
      if (method === 'GET') {
        if (!auth) return errors(res, 400, `No auth engine at ${name}/`);
        return json(res, 200, { type: auth.type, data: { type: auth.type } });
      }
      if (method === 'POST' || method === 'PUT') {
        if (auth) return errors(res, 400, `path is already in use at ${name}/`);
        state.auth.set(name, { type: String(body.type), roles: new Map() });
        return json(res, 204);
      }
    }
    if ((m = path.match(/^sys\/policies\/acl\/(.+)$/))) {
      const name = m[1]!;
      if (method === 'GET') {
        const policy = state.policies.get(name);
        return policy === undefined ? errors(res, 404) : json(res, 200, { data: { name, policy } });
      }
      if (method === 'PUT' || method === 'POST') {
        if (typeof body.policy !== 'string') return errors(res, 400, "'policy' parameter not supplied or empty");
        state.policies.set(name, body.policy);
        return json(res, 204);
      }
    }
    if ((m = path.match(/^auth\/(.+)\/(config|role\/([^/]+))$/))) {
      const auth = state.auth.get(m[1]!);
      if (!auth || auth.type !== 'kubernetes') return errors(res, 404, `no handler for route "${path}". route entry not found.`);
      if (m[2] === 'config') {
        if (method === 'GET') return auth.config ? json(res, 200, { data: auth.config }) : errors(res, 404);
        if (method === 'POST' || method === 'PUT') {
          if (typeof body.kubernetes_host !== 'string') return errors(res, 400, 'no host provided');
          auth.config = { ...body };
          return json(res, 204);
        }
      } else {
        const role = m[3]!;
        if (method === 'GET') {
          const data = auth.roles.get(role);
          return data ? json(res, 200, { data }) : errors(res, 404);
        }
        if (method === 'POST' || method === 'PUT') {
          const names = body.bound_service_account_names;
          const namespaces = body.bound_service_account_namespaces;
          if (!Array.isArray(names) || names.length === 0 || !Array.isArray(namespaces) || namespaces.length === 0) {
            return errors(res, 400, '"bound_service_account_names" and "bound_service_account_namespaces" can not be empty');
          }
          // Vault reads TTLs back as seconds and mirrors token_policies into policies.
          auth.roles.set(role, { ...body, policies: body.token_policies ?? [], token_ttl: Number(body.token_ttl ?? 0) });
          return json(res, 204);
        }
      }
    }
    const kv = kvMountOf(path);
    if (kv) {
      const id = `${kv.mount}/${kv.rest}`;
      const entry = state.kv.get(id);
      if (method === 'GET') {
        const latest = entry?.versions.at(-1);
        if (!entry || !latest) return errors(res, 404);
        const metadata = { version: entry.versions.length, deletion_time: latest.data ? '' : '2026-01-01T00:00:00Z', destroyed: false };
        if (!latest.data) return json(res, 404, { data: { data: null, metadata } });
        return json(res, 200, { data: { data: latest.data, metadata } });
      }
      if (method === 'POST' || method === 'PUT') {
        const current = entry?.versions.length ?? 0;
        const cas = (body.options as { cas?: unknown } | undefined)?.cas;
        if (cas !== undefined && Number(cas) !== current) {
          return errors(res, 400, 'check-and-set parameter did not match the current version');
        }
        const data = body.data;
        if (!data || typeof data !== 'object') return errors(res, 400, 'no data provided');
        const next = entry ?? { versions: [] };
        next.versions.push({ data: { ...(data as Record<string, string>) } });
        state.kv.set(id, next);
        return json(res, 200, { data: { version: next.versions.length, destroyed: false, deletion_time: '' } });
      }
    }
    return errors(res, 404, `no handler for route "${path}". route entry not found.`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => errors(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const readOnly = (r: RecordedRequest) =>
    r.method === 'GET' || r.method === 'HEAD' || r.path === 'sys/capabilities-self' || r.path === 'sys/health';
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    writes: () => requests.filter((r) => !readOnly(r)),
    addToken(token) {
      const id = newToken();
      state.tokens.set(id, token);
      return id;
    },
    kvData(mount, path) {
      const latest = state.kv.get(`${mount}/${path}`)?.versions.at(-1);
      return latest?.data ? { ...latest.data } : undefined;
    },
    putKv(mount, path, data) {
      const entry = state.kv.get(`${mount}/${path}`) ?? { versions: [] };
      entry.versions.push({ data: { ...data } });
      state.kv.set(`${mount}/${path}`, entry);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
