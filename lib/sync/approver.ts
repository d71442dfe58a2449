import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ExitCode, UserError } from '../errors';
import { fileNameFor, readJsonFile, writeFileAtomic } from './state';

/**
 * The safe metadata an approver sees: who asks to write what where, and why. Target ids and
 * reasons only; there is no field for a value.
 */
export interface ApprovalRequest {
  readonly apiVersion: 'secretops.dev/v1alpha1';
  readonly kind: 'SyncApprovalRequest';
  readonly idempotencyKey: string;
  /** `sync` or the MCP tool name. */
  readonly operation: string;
  readonly project: string;
  readonly repository?: string;
  readonly environment: string;
  readonly policy: string;
  /** The rules that made approval necessary. */
  readonly requiredBy: readonly string[];
  /**
   * What would be written. `valueDigest` is HMAC-SHA256 of the value under a key derived for
   * approvals alone (state.ts: approvalKey), present for deterministic and provided values: an
   * approval is for these values, and a changed value is a different request that needs its own.
   */
  readonly writes: readonly { readonly target: string; readonly reason: string; readonly valueDigest?: string }[];
}

export type ApprovalStatus = 'approved' | 'denied' | 'pending' | 'timeout';

export interface ApprovalDecision {
  readonly status: ApprovalStatus;
  /** The approver's request id (HTTP approver). */
  readonly id?: string;
  /** Who decided, as the approver reports it. */
  readonly approver?: string;
  readonly reason?: string;
  /** `http` or `terminal`. */
  readonly via: string;
}

export interface Approver {
  /**
   * Asks for approval. With `wait: false` a pending request is returned as is (the MCP server
   * answers "pending" and a later call with the same idempotency key continues).
   */
  decide(req: ApprovalRequest, opts: { wait: boolean }): Promise<ApprovalDecision>;
  /** Forgets a decision once its writes are done, so an approval is used once. */
  consume(req: ApprovalRequest): void;
}

export interface HttpApproverOptions {
  readonly url: string;
  readonly token?: string;
  /** @default 2000 */
  readonly pollMs?: number;
  /** @default 600000 (10 minutes) */
  readonly timeoutMs?: number;
  /** Where pending requests are remembered: `<state>/approvals/`. */
  readonly stateDir: string;
}

interface StoredRequest {
  readonly id: string;
  /** SHA-256 of the request (value digests included): a changed request or value needs a new approval. */
  readonly digest: string;
}

const STATUSES = new Set(['approved', 'denied', 'pending']);

type HttpAnswer = ApprovalDecision & { readonly id: string };

/**
 * The vendor-neutral HTTP contract (README, "Approver contract"): POST the request as JSON to the
 * URL with an `Idempotency-Key` header; the answer is `{"id", "status": "pending"|"approved"|
 * "denied", "approver"?, "reason"?}`; while pending, GET `URL/{id}` answers the same shape.
 */
export class HttpApprover implements Approver {
  constructor(private readonly opts: HttpApproverOptions) {}

  async decide(req: ApprovalRequest, { wait }: { wait: boolean }): Promise<ApprovalDecision> {
    const digest = digestOf(req);
    const file = this.file(req);
    const stored = readJsonFile<StoredRequest>(file, 'pending approval file', `remove ${file}; the next run asks the approver again`);
    let answer = stored && stored.digest === digest ? await this.get(stored.id) : await this.post(req);
    writeFileAtomic(this.file(req), JSON.stringify({ id: answer.id, digest } satisfies StoredRequest, null, 2) + '\n');
    const deadline = Date.now() + (this.opts.timeoutMs ?? 600_000);
    while (wait && answer.status === 'pending') {
      if (Date.now() >= deadline) return { status: 'timeout', id: answer.id, via: 'http' };
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 2000));
      answer = await this.get(answer.id);
    }
    if (answer.status !== 'pending') this.consumeIfDenied(req, answer.status);
    return answer;
  }

  consume(req: ApprovalRequest): void {
    rmSync(this.file(req), { force: true });
  }

  private consumeIfDenied(req: ApprovalRequest, status: ApprovalStatus): void {
    if (status === 'denied') this.consume(req);
  }

  private file(req: ApprovalRequest): string {
    return join(this.opts.stateDir, 'approvals', `${fileNameFor(req.idempotencyKey)}.json`);
  }

  private headers(): Record<string, string> {
    return { accept: 'application/json', ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}) };
  }

  private async post(req: ApprovalRequest): Promise<HttpAnswer> {
    return this.parse(
      await this.fetch(this.opts.url, { method: 'POST', headers: { ...this.headers(), 'content-type': 'application/json', 'idempotency-key': req.idempotencyKey }, body: JSON.stringify(req) }),
      'POST',
    );
  }

  private async get(id: string): Promise<HttpAnswer> {
    return this.parse(await this.fetch(`${this.opts.url.replace(/\/+$/, '')}/${encodeURIComponent(id)}`, { headers: this.headers() }), 'GET');
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch {
      throw new UserError({ message: 'the approver at SECRETOPS_APPROVER_URL cannot be reached; nothing was written', hint: 'check the URL and that the approver is running' });
    }
  }

  private async parse(res: Response, method: string): Promise<HttpAnswer> {
    let body: { id?: unknown; status?: unknown; approver?: unknown; reason?: unknown } | undefined;
    try {
      body = (await res.json()) as typeof body;
    } catch {
      body = undefined;
    }
    if (!res.ok || typeof body?.id !== 'string' || typeof body.status !== 'string' || !STATUSES.has(body.status)) {
      throw new UserError({ message: `the approver answered ${method} with ${res.status} and no valid decision; nothing was written`, hint: 'the approver must answer {"id": "...", "status": "pending|approved|denied"} (README: approver contract)' });
    }
    return {
      status: body.status as ApprovalStatus,
      id: body.id,
      ...(typeof body.approver === 'string' ? { approver: body.approver.slice(0, 200) } : {}),
      ...(typeof body.reason === 'string' ? { reason: body.reason.slice(0, 200) } : {}),
      via: 'http',
    };
  }
}

/** An operator at the terminal approves by typing the environment's name. */
export class TerminalApprover implements Approver {
  constructor(
    private readonly stdin: NodeJS.ReadableStream,
    private readonly stderr: { write(s: string): unknown },
  ) {}

  async decide(req: ApprovalRequest): Promise<ApprovalDecision> {
    this.stderr.write(`secretops: approval required (${req.requiredBy.join('; ')}) to write:\n`);
    for (const w of req.writes) this.stderr.write(`  ${w.target} (${w.reason})\n`);
    const answer = await askLine(this.stdin, this.stderr, `type the environment name "${req.environment}" to approve: `);
    return answer === req.environment ? { status: 'approved', approver: 'terminal', via: 'terminal' } : { status: 'denied', approver: 'terminal', via: 'terminal' };
  }

  consume(): void {}
}

/** Used when approval is required and neither an approver URL nor a terminal is available. */
export class NoApprover implements Approver {
  async decide(): Promise<ApprovalDecision> {
    throw new UserError(
      { message: 'this environment requires approval, and there is no approver: SECRETOPS_APPROVER_URL is not set (and the CLI has no terminal to ask on); nothing was written', hint: 'set SECRETOPS_APPROVER_URL (README: approver contract), or run the CLI on a terminal' },
      ExitCode.usage,
    );
  }

  consume(): void {}
}

/** The approver the environment configures. */
export function approverFrom(env: NodeJS.ProcessEnv, stateDir: string, io: { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; stderr: { write(s: string): unknown } }): Approver {
  if (env.SECRETOPS_APPROVER_URL) {
    const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
    return new HttpApprover({ url: env.SECRETOPS_APPROVER_URL, token: env.SECRETOPS_APPROVER_TOKEN, pollMs: num(env.SECRETOPS_APPROVAL_POLL_MS), timeoutMs: num(env.SECRETOPS_APPROVAL_TIMEOUT_MS), stateDir });
  }
  if (io.stdin.isTTY) return new TerminalApprover(io.stdin, io.stderr);
  return new NoApprover();
}

/** Reads one line from the terminal after a prompt on stderr. */
export async function askLine(stdin: NodeJS.ReadableStream, stderr: { write(s: string): unknown }, prompt: string): Promise<string> {
  stderr.write(prompt);
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}

function digestOf(req: ApprovalRequest): string {
  return createHash('sha256').update(JSON.stringify(req)).digest('hex');
}
