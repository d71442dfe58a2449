#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors';
import { reportFatal } from './fatal';
import { COMMANDS } from './commands';
import { CliIo, processIo } from './io';
import { maskSecretShapes } from '../quote-input';
import { VERSION } from '../version';

export { VERSION };

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('secretops')
    .description('Keep secrets out of Git and wired correctly into Kubernetes.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Commander's own errors quote what was typed (`unknown command 'ghp_...'`): masked like every echo.
      writeErr: (s) => io.stderr.write(maskSecretShapes(s)),
    });
  for (const cmd of COMMANDS) cmd.register(program, io, setExit);
  return program;
}

/**
 * Runs the CLI in-process and resolves to the exit code. The one error boundary: user mistakes
 * print their diagnostics; anything else is a bug and is reported as one, without a stack trace
 * unless SECRETOPS_DEBUG is set (an unknown error could quote its input).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    return reportFatal(err, io.stderr, io.env);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, processIo());
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
