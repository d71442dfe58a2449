import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors';
import type { CliIo } from './io';

/** `--services FILE` and `--fixtures DIR`, shared by every command that reads the catalog. */
export function withCatalogOptions(cmd: Command): Command {
  return cmd
    .option('--services <file>', 'the service catalog', 'services.yaml')
    .option('--fixtures <dir>', 'Vault fixtures and inventories (default: fixtures/ beside the services file)');
}

export interface CatalogOptions {
  readonly services: string;
  readonly fixtures?: string;
}

/** Paths as given, resolved against the command's working directory (kept relative in messages). */
export function catalogPaths(io: CliIo, opts: CatalogOptions): { servicesFile: string; fixturesDir?: string } {
  return {
    servicesFile: inCwd(io, opts.services),
    ...(opts.fixtures ? { fixturesDir: inCwd(io, opts.fixtures) } : {}),
  };
}

/** Relative paths stay relative to `io.cwd` so messages show what the user typed. */
export function inCwd(io: CliIo, p: string): string {
  if (isAbsolute(p) || io.cwd === process.cwd()) return p;
  return resolve(io.cwd, p);
}

export function parseFormat<T extends string>(value: string, allowed: readonly T[], flag = '--format'): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError({ message: `${flag} must be one of ${allowed.join(', ')}, not "${value}"` }, ExitCode.usage);
}
