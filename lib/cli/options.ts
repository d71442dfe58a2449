import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { findServicesFile } from '../catalog/find-services';
import { ExitCode, UserError } from '../errors';
import { quoteInput } from '../quote-input';
import type { CliIo } from './io';

/** The help of `--services FILE`, for every command that reads the catalog. */
export const SERVICES_OPTION_HELP = 'the service catalog (default: services.yaml here or in the nearest folder above, up to the git root)';

/** `--services FILE` and `--fixtures DIR`, shared by every command that reads the catalog. */
export function withCatalogOptions(cmd: Command): Command {
  return cmd
    .option('--services <file>', SERVICES_OPTION_HELP)
    .option('--fixtures <dir>', 'Vault fixtures and inventories (default: fixtures/ beside the services file)');
}

export interface CatalogOptions {
  /** @default services.yaml found upward from the working directory (`findServicesFile`) */
  readonly services?: string;
  readonly fixtures?: string;
}

/**
 * Paths as given, resolved against the command's working directory (kept relative in messages).
 * `--fixtures DIR` must name a folder, unless the command creates it (`fixtures scaffold`): a
 * mistyped folder read as empty turned one typo into an error per key.
 */
export function catalogPaths(io: CliIo, opts: CatalogOptions, { createsFixtures = false } = {}): { servicesFile: string; fixturesDir?: string } {
  if (opts.fixtures && !createsFixtures) checkFixturesDir(io, opts.fixtures);
  return {
    servicesFile: servicesFileOf(io, opts.services),
    ...(opts.fixtures ? { fixturesDir: inCwd(io, opts.fixtures) } : {}),
  };
}

/** The catalog a command reads: `--services FILE` as given, else services.yaml found upward to the git root (`findServicesFile`). */
export function servicesFileOf(io: CliIo, services: string | undefined): string {
  return services !== undefined ? inCwd(io, services) : defaultServicesFile(io.cwd, io);
}

/** `services.yaml` of the working directory or the nearest folder above it in the repository, as the user would type it. */
export function defaultServicesFile(cwd: string, io?: CliIo): string {
  const found = findServicesFile(cwd);
  const shown = found ? relative(cwd, found) : 'services.yaml';
  return io ? inCwd(io, shown) : resolve(cwd, shown);
}

/** `--fixtures DIR` names an existing folder (usage error otherwise). */
export function checkFixturesDir(io: Pick<CliIo, 'cwd'>, dir: string): void {
  let isDir = false;
  try {
    isDir = statSync(resolve(io.cwd, dir)).isDirectory();
  } catch {
    throw new UserError({ file: dir, message: 'fixtures folder does not exist', hint: 'pass the folder of fixture files with --fixtures DIR, or leave the flag out for fixtures/ beside the services file' }, ExitCode.usage);
  }
  if (!isDir) throw new UserError({ file: dir, message: 'is not a folder', hint: 'pass the folder of fixture files with --fixtures DIR' }, ExitCode.usage);
}

/** Relative paths stay relative to `io.cwd` so messages show what the user typed. */
export function inCwd(io: CliIo, p: string): string {
  if (isAbsolute(p) || io.cwd === process.cwd()) return p;
  return resolve(io.cwd, p);
}

export function parseFormat<T extends string>(value: string, allowed: readonly T[], flag = '--format'): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError({ message: `${flag} must be one of ${allowed.join(', ')}, not ${quoteInput(value)}` }, ExitCode.usage);
}

/**
 * The scan cache file of `--cache` / `--cache-location FILE` (which implies it), absolute; undefined
 * without either. `scan` and `report` read the same file.
 */
export function scanCacheFileOf(io: CliIo, opts: { readonly cache?: boolean; readonly cacheLocation?: string }, defaultLocation: string): string | undefined {
  if (!opts.cache && opts.cacheLocation === undefined) return undefined;
  return resolve(io.cwd, opts.cacheLocation ?? defaultLocation);
}
