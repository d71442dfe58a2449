import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalHttpServer, readBody } from './local-server';

/**
 * A local approver implementing secretops's approval contract: `POST /` takes a
 * SyncApprovalRequest (with an `Idempotency-Key` header) and answers `{id, status}`;
 * `GET /{id}` answers the current status. `decisions` is the sequence of statuses the request
 * goes through (the last one sticks), so a test can say "pending, then approved".
 */
export class ApproverStandIn extends LocalHttpServer {
  private serial = 0;
  private readonly polls = new Map<string, number>();
  /** Every request body received (parsed), with its Idempotency-Key header. */
  readonly received: { body: Record<string, unknown>; idempotencyKey?: string; authorization?: string }[] = [];
  /** Raw text of every request body, to check that no value leaked into it. */
  readonly rawBodies: string[] = [];
  decisions: ('pending' | 'approved' | 'denied')[];
  /** A decision for one request id that replaces the sequence (an approver approving apr-1 only). */
  readonly decided = new Map<string, 'pending' | 'approved' | 'denied'>();

  constructor(decisions: ('pending' | 'approved' | 'denied')[] = ['approved']) {
    super();
    this.decisions = decisions;
  }

  /** The approver URL secretops is given (SECRETOPS_APPROVER_URL). */
  get url(): string {
    return `${this.origin}/approvals`;
  }

  private status(id: string): string {
    const fixed = this.decided.get(id);
    if (fixed) return fixed;
    const n = this.polls.get(id) ?? 0;
    this.polls.set(id, n + 1);
    return this.decisions[Math.min(n, this.decisions.length - 1)]!;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/approvals') {
      this.rawBodies.push(text);
      this.received.push({ body: JSON.parse(text), idempotencyKey: req.headers['idempotency-key'] as string | undefined, authorization: req.headers.authorization });
      const id = `apr-${++this.serial}`;
      return send(201, { id, status: this.status(id) });
    }
    const m = /^\/approvals\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m && this.polls.has(m[1]!)) {
      const status = this.status(m[1]!);
      return send(200, { id: m[1], status, ...(status !== 'pending' ? { approver: 'alice@example.com' } : {}) });
    }
    return send(404, { message: 'not found' });
  }
}
