import { isAbsolute, join, resolve } from 'node:path';
import { AuditEvent, JsonLinesAuditLog } from '../audit/audit-log';
import type { Candidate } from '../resolver/resolver';

/** What happened. One record per event; a write of one key to two destinations is two records. */
export type SyncAction = 'request' | 'approval' | 'write' | 'skip' | 'failure' | 'pull';

/**
 * What a sync step reports. Names, places and outcomes only: there is no field a value could go
 * in. Written as the shared audit event (`lib/audit`): `component: "sync"`, `action`, `outcome`.
 */
export interface AuditInput {
  readonly event: SyncAction;
  /** `sync`, `sync pull` or the MCP tool name. */
  readonly operation: string;
  readonly project: string;
  readonly repository?: string;
  readonly environment: string;
  readonly policy?: string;
  readonly idempotencyKey?: string;
  /** The target id (`github:owner/repo:environment:ai:NAME`, `kubernetes:ctx:ns/secret#KEY`). */
  readonly target?: string;
  /** `created`, `updated`, `unchanged`, `idempotent_replay`, `approved`, `denied`, `pending`, `failed`, ... */
  readonly result: string;
  /** Why, in words secretops chose (never server text that could quote input). */
  readonly reason?: string;
  /** The catalog key and the resolver's audit of it. */
  readonly key?: {
    readonly service?: string;
    readonly secretName?: string;
    readonly key?: string;
    readonly targetKey?: string;
    readonly targetTier?: string;
    readonly rule?: string;
    readonly tried?: readonly Candidate[];
    readonly winner?: Candidate | null;
  };
}

/** `SECRETOPS_AUDIT_FILE` (or `SECRETOPS_AUDIT_LOG`, as access keys read it), else `audit.jsonl` in the state directory. */
export function auditFile(env: NodeJS.ProcessEnv, cwd: string, state: string): string {
  const f = env.SECRETOPS_AUDIT_FILE || env.SECRETOPS_AUDIT_LOG;
  if (f) return isAbsolute(f) ? f : resolve(cwd, f);
  return join(state, 'audit.jsonl');
}

/**
 * Appends the shared JSON-lines audit events (through its redaction guard) and prints a readable
 * line on stderr. Values the sync holds are registered with `forbid`, so even a mistake upstream
 * cannot write one.
 */
export class AuditLog {
  readonly events: AuditEvent[] = [];
  private readonly sink: JsonLinesAuditLog;

  constructor(
    file: string,
    private readonly stderr?: { write(s: string): unknown },
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sink = JsonLinesAuditLog.toFile(file);
  }

  /** Never write this value, anywhere in an event or a stderr line. */
  forbid(value: string): void {
    this.sink.guard.forbid(value);
  }

  record(input: AuditInput): AuditEvent {
    const { event, result, ...rest } = input;
    const raw: AuditEvent = { time: this.now().toISOString(), component: 'sync', action: event, outcome: result, ...rest };
    const { event: clean } = this.sink.guard.apply(raw);
    this.sink.record(raw);
    this.events.push(clean);
    this.stderr?.write(auditLine(clean) + '\n');
    return clean;
  }
}

/** `secretops: write updated kubernetes:…#KEY (env ai, policy deterministic, idempotency key …): reason`. */
export function auditLine(e: AuditEvent): string {
  const key = e.key as AuditInput['key'] | undefined;
  const what = (e.target as string | undefined) ?? (key?.targetKey ? `${key.secretName}#${key.targetKey}` : (e.environment as string));
  const ctx = [`env ${String(e.environment)}`, e.policy ? `policy ${String(e.policy)}` : undefined, e.idempotencyKey ? `idempotency key ${String(e.idempotencyKey)}` : undefined].filter(Boolean).join(', ');
  return `secretops: ${e.action} ${e.outcome} ${what} (${ctx})${e.reason ? `: ${e.reason}` : ''}`;
}
