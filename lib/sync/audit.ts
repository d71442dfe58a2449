import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Candidate } from '../resolver/resolver';

/** What happened. One record per event; a write of one key to two destinations is two records. */
export type AuditEvent = 'request' | 'plan' | 'approval' | 'write' | 'skip' | 'failure' | 'pull';

/**
 * One line of the audit log. Names, places and outcomes only: there is no field a value could go
 * in, and `AuditLog` refuses free text it has not built itself.
 */
export interface AuditRecord {
  readonly time: string;
  readonly event: AuditEvent;
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
    readonly secret?: string;
    readonly key?: string;
    readonly targetKey?: string;
    readonly targetTier?: string;
    readonly rule?: string;
    readonly tried?: readonly Candidate[];
    readonly winner?: Candidate | null;
  };
}

export type AuditInput = Omit<AuditRecord, 'time'>;

/** `SECRETOPS_AUDIT_FILE`, else `audit.jsonl` in the state directory. */
export function auditFile(env: NodeJS.ProcessEnv, cwd: string, state: string): string {
  const f = env.SECRETOPS_AUDIT_FILE;
  if (f) return isAbsolute(f) ? f : resolve(cwd, f);
  return join(state, 'audit.jsonl');
}

/** Appends JSON lines to the audit file and a readable line to stderr. */
export class AuditLog {
  readonly records: AuditRecord[] = [];

  constructor(
    private readonly file: string,
    private readonly stderr?: { write(s: string): unknown },
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(input: AuditInput): AuditRecord {
    const rec: AuditRecord = { time: this.now().toISOString(), ...input };
    this.records.push(rec);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    appendFileSync(this.file, JSON.stringify(rec) + '\n', { mode: 0o600 });
    this.stderr?.write(auditLine(rec) + '\n');
    return rec;
  }
}

/** `secretops: write updated kubernetes:…#KEY (env ai, policy deterministic, key 3f…): reason`. */
export function auditLine(r: AuditRecord): string {
  const what = r.target ?? (r.key?.targetKey ? `${r.key.secret}#${r.key.targetKey}` : r.environment);
  const ctx = [`env ${r.environment}`, r.policy ? `policy ${r.policy}` : undefined, r.idempotencyKey ? `idempotency key ${r.idempotencyKey}` : undefined].filter(Boolean).join(', ');
  return `secretops: ${r.event} ${r.result} ${what} (${ctx})${r.reason ? `: ${r.reason}` : ''}`;
}
