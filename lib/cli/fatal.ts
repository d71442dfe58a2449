import { ExitCode, formatDiagnostic, isUserError } from '../errors';

/**
 * Prints an error that ended a run and returns the exit code: a user error as its diagnostics,
 * without a stack; anything else as a bug, with its stack only when SECRETOPS_DEBUG is set (an
 * unknown error could quote its input). Used by the CLI's error boundary and by main.ts.
 */
export function reportFatal(err: unknown, stderr: { write(s: string): unknown } = process.stderr, env: NodeJS.ProcessEnv = process.env): number {
  if (isUserError(err)) {
    for (const d of err.diagnostics) stderr.write(`secretops: ${formatDiagnostic(d)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  if (env.SECRETOPS_DEBUG) stderr.write(`secretops: internal error (this is a bug): ${e?.stack ?? String(err)}\n`);
  else stderr.write(`secretops: internal error (this is a bug): ${e?.name ?? 'Error'}; set SECRETOPS_DEBUG=1 for details\n`);
  return ExitCode.usage;
}
