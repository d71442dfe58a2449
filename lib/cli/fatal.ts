import { ExitCode, formatDiagnostic, isUserError } from '../errors';

/** For entry points outside the CLI (main.ts): print a user error without a stack; report bugs as bugs. */
export function reportFatal(err: unknown, stderr: { write(s: string): unknown } = process.stderr): number {
  if (isUserError(err)) {
    for (const d of err.diagnostics) stderr.write(`secretops: ${formatDiagnostic(d)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  if (process.env.SECRETOPS_DEBUG) stderr.write(`secretops: internal error (this is a bug): ${e?.stack ?? String(err)}\n`);
  else stderr.write(`secretops: internal error (this is a bug): ${e?.name ?? 'Error'}; set SECRETOPS_DEBUG=1 for details\n`);
  return ExitCode.usage;
}
