import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizeDecision } from './access-keys';
import { matchBypassPath } from '../catalog/bypass-paths';
import type { AccessKeyScope } from './scope';

/** The header a run may use instead of `Authorization: Bearer`. */
export const RUN_KEY_HEADER = 'x-secretops-run-key';

/** Anything that can authorise: an `AccessKeys` instance, or a function with the same contract. */
export type Authorizer = { authorizeByKey(key: string | undefined, request: Partial<AccessKeyScope>): Promise<AuthorizeDecision> };

export interface AccessKeyGuardOptions {
  readonly authorizer: Authorizer;
  /**
   * The scope a request asks for. Usually `bypassRequestScope(...)`: the service's own fixed fields
   * and the run id from the path. Undefined (no run in the request) denies with `scope_mismatch:runId`.
   */
  readonly scope: (req: IncomingMessage) => Partial<AccessKeyScope> | undefined;
}

/** What an allowed request carries afterwards: the key id and its scope, never the key. */
export interface AccessKeyGrant {
  readonly keyId: string;
  readonly scope: AccessKeyScope;
}

export type RequestWithGrant = IncomingMessage & { secretopsAccessKey?: AccessKeyGrant };

/** The key from `Authorization: Bearer <key>` or, failing that, `X-Secretops-Run-Key: <key>`. */
export function readAccessKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const header = req.headers[RUN_KEY_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}

/**
 * The scope of a request to a bypass path: the service's fixed fields and the run id taken from the
 * first `*` of the declared path the request matches (`/api/v1/runs/*\/bypass`).
 */
export function bypassRequestScope(fixed: Omit<AccessKeyScope, 'runId'> & { readonly paths: readonly string[] }): (req: IncomingMessage) => Partial<AccessKeyScope> | undefined {
  const { paths, ...fields } = fixed;
  return (req) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = matchBypassPath(paths, pathname);
    return match?.wildcard ? { ...fields, runId: match.wildcard } : undefined;
  };
}

/** Decides one request; writes the denial response itself and resolves to the grant or undefined. */
async function guard(opts: AccessKeyGuardOptions, req: IncomingMessage, res: ServerResponse): Promise<AccessKeyGrant | undefined> {
  const key = readAccessKey(req);
  const request = opts.scope(req);
  const decision: AuthorizeDecision = request
    ? await opts.authorizer.authorizeByKey(key, request)
    : key
      ? { allow: false, reason: 'scope_mismatch:runId' }
      : { allow: false, reason: 'missing_key' };
  if (decision.allow) return { keyId: decision.keyId, scope: decision.scope };
  // A key that is wrong for this run is "forbidden"; a key that is no good at all is "unauthorized".
  const status = decision.reason.startsWith('scope_mismatch') ? 403 : 401;
  const body = JSON.stringify({ error: 'access_denied', reason: decision.reason });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="secretops", error="invalid_token"' } : {}),
  });
  res.end(body);
  return undefined;
}

/**
 * Wraps a plain Node `http` handler: the handler runs only for allowed requests, with
 * `req.secretopsAccessKey` set. Authoriser failures answer 503 (never a silent allow).
 */
export function withAccessKey(
  handler: (req: RequestWithGrant, res: ServerResponse) => void | Promise<void>,
  opts: AccessKeyGuardOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    guard(opts, req, res)
      .then(
        (grant) => {
          if (!grant) return;
          (req as RequestWithGrant).secretopsAccessKey = grant;
          return handler(req as RequestWithGrant, res);
        },
        () => fail(res, 503, 'access_check_unavailable'),
      )
      .catch(() => fail(res, 500, 'internal_error'));
  };
}

/** Ends a response with a JSON error, or drops the connection when the handler already started one. */
function fail(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error }));
}

/**
 * Express-style middleware `(req, res, next)`: calls `next()` for allowed requests (with
 * `req.secretopsAccessKey` set), answers 401/403 itself otherwise, and passes authoriser failures
 * to `next(err)` (the error never contains the key).
 */
export function accessKeyMiddleware(opts: AccessKeyGuardOptions): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    guard(opts, req, res).then(
      (grant) => {
        if (!grant) return;
        (req as RequestWithGrant).secretopsAccessKey = grant;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
