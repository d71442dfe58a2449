import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local approver implementing secretops's approval contract: `POST /` takes a
 * SyncApprovalRequest (with an `Idempotency-Key` header) and answers `{id, status}`;
 * `GET /{id}` answers the current status. `decisions` is the sequence of statuses the request
 * goes through (the last one sticks), so a test can say "pending, then approved".
 */
export class ApproverStandIn {
  private server?: Server;
  private serial = 0;
  private readonly polls = new Map<string, number>();
  /** Every request body received (parsed), with its Idempotency-Key header. */
  readonly received: { body: Record<string, unknown>; idempotencyKey?: string; authorization?: string }[] = [];
  /** Raw text of every request body, to check that no value leaked into it. */
  readonly rawBodies: string[] = [];
  decisions: ('pending' | 'approved' | 'denied')[];

  constructor(decisions: ('pending' | 'approved' | 'denied')[] = ['approved']) {
    this.decisions = decisions;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    if (!addr) throw new Error('stand-in not started');
    return `http://127.0.0.1:${addr.port}/approvals`;
  }

  private status(id: string): string {
    const n = this.polls.get(id) ?? 0;
    this.polls.set(id, n + 1);
    return this.decisions[Math.min(n, this.decisions.length - 1)]!;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
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
