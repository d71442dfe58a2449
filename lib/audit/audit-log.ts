import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RedactionGuard } from './redaction';

/**
 * One audit record: what happened (`action`, `outcome`), to what (`component` and subject fields),
 * by whom (`actor`), when (`time`, ISO 8601 UTC). Subject fields are names and ids, never values.
 * Written as one JSON object per line.
 */
export interface AuditEvent {
  readonly time: string;
  /** The part of secretops that acted: `access-keys`, `sync`... */
  readonly component: string;
  readonly action: string;
  /** `success`, `failure`, `allow`, `deny`... */
  readonly outcome: string;
  /** Machine-readable reason code on failures and denials. */
  readonly reason?: string;
  readonly actor?: string;
  /** Set by the writer when the redaction guard replaced anything. */
  readonly redacted?: boolean;
  readonly [field: string]: unknown;
}

/** Where audit events go. `record` must not throw on the caller's hot path for I/O reasons it can absorb. */
export interface AuditSink {
  record(event: AuditEvent): void;
  /** The sink's redaction guard, so producers can register the token patterns they know. */
  readonly guard?: RedactionGuard;
}

/**
 * Writes each event as one JSON line through a redaction guard. Field order is the event's, so
 * lines are stable for the same input.
 */
export class JsonLinesAuditLog implements AuditSink {
  readonly guard: RedactionGuard;
  private readonly write: (line: string) => void;

  constructor(opts: { write: (line: string) => void; guard?: RedactionGuard }) {
    this.write = opts.write;
    this.guard = opts.guard ?? new RedactionGuard();
  }

  /** Appends to a file (created 0600 with its folder; appends are atomic per line on local filesystems). */
  static toFile(file: string, guard?: RedactionGuard): JsonLinesAuditLog {
    return new JsonLinesAuditLog({
      guard,
      write: (line) => {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        appendFileSync(file, line, { mode: 0o600 });
      },
    });
  }

  static toStream(stream: { write(chunk: string): unknown }, guard?: RedactionGuard): JsonLinesAuditLog {
    return new JsonLinesAuditLog({ guard, write: (line) => void stream.write(line) });
  }

  record(event: AuditEvent): void {
    const { event: clean, redacted } = this.guard.apply(event);
    this.write(JSON.stringify(redacted ? { ...clean, redacted: true } : clean) + '\n');
  }
}

/** Keeps events in memory: for tests and for callers that forward them elsewhere. */
export class MemoryAuditLog implements AuditSink {
  readonly events: AuditEvent[] = [];
  private readonly inner = new JsonLinesAuditLog({ write: (line) => this.lines.push(line) });
  readonly lines: string[] = [];

  get guard(): RedactionGuard {
    return this.inner.guard;
  }

  record(event: AuditEvent): void {
    this.inner.record(event);
    this.events.push(JSON.parse(this.lines[this.lines.length - 1]!) as AuditEvent);
  }
}
