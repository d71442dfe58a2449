/**
 * The one error type for user mistakes. Each diagnostic names where the problem is (file, line,
 * column and/or JSON pointer), what is wrong and what would be right. The CLI prints diagnostics
 * and exits non-zero without a stack; any other error is a bug and is reported as one.
 *
 * Messages carry names, paths and pointers, never values: callers must not interpolate secret
 * material into `message` or `hint`.
 */
export interface Diagnostic {
  /** Path of the offending file, as the user gave it (relative paths stay relative). */
  readonly file?: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** RFC 6901 JSON pointer into the document, e.g. `/spec/services/3/name`. */
  readonly pointer?: string;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The input was read and is wrong (validation errors, findings, unresolved keys). */
  failed: 1,
  /** Bad usage, unreadable input or an internal error. */
  usage: 2,
} as const;

export class UserError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  readonly exitCode: number;

  constructor(diagnostics: Diagnostic | readonly Diagnostic[], exitCode: number = ExitCode.failed) {
    const list = Array.isArray(diagnostics) ? (diagnostics as readonly Diagnostic[]) : [diagnostics as Diagnostic];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
    this.exitCode = exitCode;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** `file:line:col pointer: message (hint)` with whatever parts are known. */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file ?? '';
  if (d.file && d.line !== undefined) {
    where += `:${d.line}`;
    if (d.column !== undefined) where += `:${d.column}`;
  }
  if (d.pointer !== undefined && d.pointer !== '') where += where ? ` ${d.pointer}` : d.pointer;
  let out = where ? `${where}: ${d.message}` : d.message;
  if (d.hint) out += `\n  hint: ${d.hint}`;
  return out;
}

/** Sort diagnostics by file, then position, so output is deterministic. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.pointer ?? '').localeCompare(b.pointer ?? '') ||
      a.message.localeCompare(b.message),
  );
}
