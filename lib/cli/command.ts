import type { Command } from 'commander';
import type { CliIo } from './io';

/**
 * One CLI command per file under `commands/`. `register` adds the command to the program and must
 * not load heavy modules at import time: actions import their implementation lazily, so
 * `secretops scan --staged` starts fast. An action resolves to the process exit code.
 */
export interface CommandModule {
  register(program: Command, io: CliIo, setExit: (code: number) => void): void;
}
