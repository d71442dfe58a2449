import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalHttpServer, readBody } from './local-server';

/**
 * A local stand-in for the Kubernetes API server, for tests of clients that go through
 * @kubernetes/client-node (or curl) with a real kubeconfig. It implements the parts of the contract
 * secretops relies on: namespaced and cluster-scoped objects of any group, list with equality label
 * selectors, create (409 AlreadyExists), replace with optimistic concurrency (409 Conflict on a
 * stale resourceVersion), JSON merge, strategic merge (treated as merge), JSON patch and apply
 * patches, delete, `Status` error bodies, bearer-token auth, and injectable faults.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentType?: string;
  readonly status: number;
}

export interface Fault {
  /** HTTP status to answer with (e.g. 409, 500, 503, 429). */
  readonly status: number;
  /** Only requests this matches are failed; default: every request. */
  readonly match?: (req: { method: string; path: string }) => boolean;
  /** Status reason, e.g. `Conflict`. */
  readonly reason?: string;
  /** How many matching requests to fail. @default 1 */
  readonly times?: number;
}

const CLUSTER_SCOPED = new Set(['namespaces', 'nodes', 'clustersecretstores', 'clusterexternalsecrets', 'clusterroles', 'clusterrolebindings', 'customresourcedefinitions']);

/** Lower-case plural resource name of a kind, as the API paths spell it. */
export function resourceOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('policy')) return k.slice(0, -1) + 'ies';
  if (k.endsWith('s')) return k + 'es';
  return k + 's';
}

/** `v1` -> `` core; `external-secrets.io/v1` -> group. */
function groupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function storeKey(group: string, resource: string, namespace: string | undefined, name: string): string {
  return `${group}|${resource}|${namespace ?? ''}|${name}`;
}

export class KubernetesApiStandIn extends LocalHttpServer {
  private readonly objects = new Map<string, KubeObject>();
  private readonly faults: { fault: Fault; left: number }[] = [];
  private resourceVersion = 1000;
  private uid = 0;
  readonly requests: RecordedRequest[] = [];
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;

  constructor(opts: { token?: string } = {}) {
    super();
    this.token = opts.token;
  }

  get url(): string {
    return this.origin;
  }

  /** Stores an object as if created through the API (resourceVersion and uid assigned). */
  seed(obj: KubeObject): KubeObject {
    const { group } = groupVersion(obj.apiVersion);
    const resource = resourceOf(obj.kind);
    const ns = CLUSTER_SCOPED.has(resource) ? undefined : obj.metadata.namespace ?? 'default';
    const stored = this.stamp(structuredClone(obj), ns);
    this.objects.set(storeKey(group, resource, ns, obj.metadata.name), stored);
    return structuredClone(stored);
  }

  /** The stored object, or undefined. */
  object(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const { group } = groupVersion(apiVersion);
    const resource = resourceOf(kind);
    const o = this.objects.get(storeKey(group, resource, CLUSTER_SCOPED.has(resource) ? undefined : namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const { group } = groupVersion(apiVersion);
    const resource = resourceOf(kind);
    this.objects.delete(storeKey(group, resource, CLUSTER_SCOPED.has(resource) ? undefined : namespace, name));
  }

  /** Every stored object of a kind (all namespaces), sorted by namespace and name. */
  list(apiVersion: string, kind: string): KubeObject[] {
    const { group } = groupVersion(apiVersion);
    const prefix = `${group}|${resourceOf(kind)}|`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => structuredClone(o));
  }

  /** Makes the next matching request(s) fail with the given status. */
  fail(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** Requests that changed state (POST, PUT, PATCH, DELETE). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private stamp(obj: KubeObject, namespace: string | undefined): KubeObject {
    obj.metadata = { ...obj.metadata, ...(namespace ? { namespace } : {}) };
    obj.metadata.resourceVersion = String(++this.resourceVersion);
    obj.metadata.uid ??= `00000000-0000-4000-8000-${String(++this.uid).padStart(12, '0')}`;
    if (obj.metadata.namespace === undefined) delete obj.metadata.namespace;
    return obj;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const send = (status: number, body: unknown) => {
      this.requests.push({ method, path: url.pathname, query: url.search, contentType, status });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const fail = (status: number, reason: string, message: string) =>
      send(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: status });

    const body = await readBody(req);
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return fail(401, 'Unauthorized', 'Unauthorized');

    const faultIdx = this.faults.findIndex((f) => f.left > 0 && (!f.fault.match || f.fault.match({ method, path: url.pathname })));
    if (faultIdx >= 0) {
      const f = this.faults[faultIdx]!;
      f.left--;
      if (f.left === 0) this.faults.splice(faultIdx, 1);
      const reason = f.fault.reason ?? (f.fault.status === 409 ? 'Conflict' : f.fault.status === 429 ? 'TooManyRequests' : 'InternalError');
      return fail(f.fault.status, reason, `injected ${f.fault.status}`);
    }

    const route = parsePath(url.pathname);
    if (!route) return fail(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const { group, version, namespace, resource, name } = route;
    const apiVersion = group ? `${group}/${version}` : version;
    const ns = CLUSTER_SCOPED.has(resource) ? undefined : namespace;
    const key = name ? storeKey(group, resource, ns, name) : undefined;
    const what = `${resource}${group ? '.' + group : ''} "${name ?? ''}"`;

    if (method === 'GET' && !name) {
      const selector = parseLabelSelector(url.searchParams.get('labelSelector'));
      const prefix = `${group}|${resource}|${ns ?? ''}`;
      const items = [...this.objects.entries()]
        .filter(([k]) => (ns === undefined && !CLUSTER_SCOPED.has(resource) ? k.startsWith(`${group}|${resource}|`) : k.startsWith(prefix + '|')))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, o]) => o)
        .filter((o) => selector.every(([k, v]) => o.metadata.labels?.[k] === v));
      const kind = items[0]?.kind ?? kindOf(resource);
      return send(200, { apiVersion, kind: `${kind}List`, metadata: { resourceVersion: String(this.resourceVersion) }, items });
    }
    if (method === 'GET') {
      const o = this.objects.get(key!);
      return o ? send(200, o) : fail(404, 'NotFound', `${what} not found`);
    }
    if (method === 'POST' && !name) {
      const obj = parseJson(body) as KubeObject | undefined;
      if (!obj?.metadata?.name) return fail(422, 'Invalid', 'metadata.name: Required value');
      const k = storeKey(group, resource, ns, obj.metadata.name);
      if (this.objects.has(k)) return fail(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
      if (ns && obj.metadata.namespace && obj.metadata.namespace !== ns) return fail(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      const stored = this.stamp({ ...obj, apiVersion: obj.apiVersion ?? apiVersion }, ns);
      this.objects.set(k, stored);
      return send(201, stored);
    }
    if (method === 'PUT' && name) {
      const obj = parseJson(body) as KubeObject | undefined;
      if (!obj?.metadata) return fail(400, 'BadRequest', 'invalid body');
      if (obj.metadata.name !== name) return fail(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      const current = this.objects.get(key!);
      if (!current) return fail(404, 'NotFound', `${what} not found`);
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return fail(409, 'Conflict', `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`);
      }
      const stored = this.stamp({ ...obj, metadata: { ...obj.metadata, uid: current.metadata.uid } }, ns);
      this.objects.set(key!, stored);
      return send(200, stored);
    }
    if (method === 'PATCH' && name) {
      const current = this.objects.get(key!);
      const patch = parseJson(body);
      if (patch === undefined) return fail(400, 'BadRequest', 'invalid patch body');
      let next: KubeObject;
      if (contentType === 'application/json-patch+json') {
        if (!current) return fail(404, 'NotFound', `${what} not found`);
        try {
          next = applyJsonPatch(structuredClone(current), patch as JsonPatchOp[]) as KubeObject;
        } catch (e) {
          return fail(422, 'Invalid', `json patch: ${(e as Error).message}`);
        }
      } else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json' || contentType === 'application/apply-patch+yaml') {
        if (!current && contentType !== 'application/apply-patch+yaml') return fail(404, 'NotFound', `${what} not found`);
        const p = patch as KubeObject;
        if (current && p?.metadata?.resourceVersion && p.metadata.resourceVersion !== current.metadata.resourceVersion) {
          return fail(409, 'Conflict', `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`);
        }
        next = mergePatch(current ? structuredClone(current) : { apiVersion, kind: kindOf(resource), metadata: { name } }, patch) as KubeObject;
      } else {
        return fail(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      }
      const stored = this.stamp(next, ns);
      this.objects.set(key!, stored);
      return send(200, stored);
    }
    if (method === 'DELETE' && name) {
      const current = this.objects.get(key!);
      if (!current) return fail(404, 'NotFound', `${what} not found`);
      this.objects.delete(key!);
      return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: resource } });
    }
    return fail(405, 'MethodNotAllowed', `${method} is not supported here`);
  }
}

interface Route {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
}

/** `/api/v1/namespaces/ns/secrets/x`, `/apis/g/v/namespaces/ns/r/x`, `/apis/g/v/r/x`, `/api/v1/namespaces/x`. */
function parsePath(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts[1] && parts[2]) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { group, version, namespace: rest[1], resource: rest[2]!, name: rest[3] };
  }
  if (rest.length >= 1 && rest.length <= 2) return { group, version, resource: rest[0]!, name: rest[1] };
  return undefined;
}

const KINDS: Record<string, string> = {
  secrets: 'Secret',
  configmaps: 'ConfigMap',
  namespaces: 'Namespace',
  externalsecrets: 'ExternalSecret',
  clustersecretstores: 'ClusterSecretStore',
  secretstores: 'SecretStore',
  jobs: 'Job',
  pods: 'Pod',
};

function kindOf(resource: string): string {
  return KINDS[resource] ?? resource.replace(/s$/, '').replace(/^./, (c) => c.toUpperCase());
}

function parseLabelSelector(s: string | null): [string, string][] {
  if (!s) return [];
  return s.split(',').map((term) => {
    const [k, v] = term.split(/==?/);
    return [k!.trim(), (v ?? '').trim()];
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

/** RFC 6902 (add, remove, replace, test). */
function applyJsonPatch(doc: unknown, ops: JsonPatchOp[]): unknown {
  if (!Array.isArray(ops)) throw new Error('patch must be an array');
  for (const op of ops) {
    const segs = op.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segs.pop();
    if (last === undefined) throw new Error('empty path');
    let parent = doc as Record<string, unknown>;
    for (const s of segs) {
      if (parent[s] === undefined || typeof parent[s] !== 'object') {
        if (op.op === 'add') parent[s] = {};
        else throw new Error(`path ${op.path} does not exist`);
      }
      parent = parent[s] as Record<string, unknown>;
    }
    if (op.op === 'test') {
      if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (!(last in parent)) throw new Error(`path ${op.path} does not exist`);
      delete parent[last];
    } else if (op.op === 'replace') {
      if (!(last in parent)) throw new Error(`path ${op.path} does not exist`);
      parent[last] = op.value;
    } else if (op.op === 'add') {
      if (Array.isArray(parent)) {
        if (last === '-') parent.push(op.value);
        else parent.splice(Number(last), 0, op.value);
      } else parent[last] = op.value;
    } else throw new Error(`unsupported op ${(op as JsonPatchOp).op}`);
  }
  return doc;
}

/**
 * Writes a kubeconfig that points at the stand-in and returns its path. Clients resolve it the usual
 * way (`KUBECONFIG`, `--context`).
 */
export function writeKubeconfig(
  dir: string,
  api: KubernetesApiStandIn,
  opts: { token?: string; namespace?: string; contexts?: readonly string[] } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const contexts = opts.contexts ?? ['stand-in'];
  const token = opts.token ?? api.token ?? 'stand-in-token';
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: stand-in',
    '    cluster:',
    `      server: ${api.url}`,
    // The client refuses plain HTTP unless TLS verification is explicitly off.
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: stand-in',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    ...contexts.flatMap((c) => [`  - name: ${c}`, '    context:', '      cluster: stand-in', '      user: stand-in', `      namespace: ${opts.namespace ?? 'default'}`]),
    `current-context: ${contexts[0]}`,
    '',
  ];
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, lines.join('\n'));
  return file;
}
