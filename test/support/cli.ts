import { PassThrough } from 'node:stream';
import { runCli } from '../../lib/cli/main';
import type { CliIo } from '../../lib/cli/io';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Text fed to standard input (closed afterwards). */
  readonly stdin?: string;
  readonly tty?: boolean;
}

/** Runs the CLI in-process with captured output, as a user would from a shell in `cwd`. */
export async function runSecretops(argv: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  if (opts.stdin !== undefined) stdin.end(opts.stdin);
  else stdin.end();
  const io: CliIo = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: opts.tty ?? false },
    stdin: Object.assign(stdin, { isTTY: opts.tty ?? false }),
    env: { ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
