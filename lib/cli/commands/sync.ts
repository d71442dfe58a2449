import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, inCwd, parseFormat, withCatalogOptions } from '../options';
import { ExitCode, UserError } from '../../errors';

interface SyncFlags extends CatalogOptions {
  env: string;
  service?: string;
  secret?: string;
  key?: string;
  to?: string;
  policy: string;
  idempotencyKey?: string;
  valueFromEnv?: string;
  context?: string;
  dryRun?: boolean;
  yes?: boolean;
  toEnvFile?: string;
  format: string;
}

/**
 * `secretops sync --env ENV --to github|kubernetes|both`: write generated or provided secret
 * values to GitHub Actions secrets and Kubernetes Secrets; `secretops sync pull --env ENV
 * --to-env-file FILE`: read them back into a local env file. Values never reach the terminal.
 */
export const syncCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('sync'))
      .description('write secrets to GitHub and Kubernetes (deterministic, idempotent, approved, audited); `sync pull` reads them into an env file')
      .argument('[direction]', '`pull` to read from Kubernetes into --to-env-file')
      .requiredOption('--env <environment>', 'environment name, alias or slot instance (ai-slot-2)')
      .option('--service <name>', 'only this service')
      .option('--secret <name>', 'only this secret')
      .option('--key <name>', 'only this key (the catalog name; the override key is written where one applies)')
      .option('--to <destination>', 'github, kubernetes or both')
      .option('--policy <policy>', 'deterministic (HMAC of SECRETOPS_SEED), random or provided', 'deterministic')
      .option('--idempotency-key <id>', 'replays with the same key and value write nothing (default: derived from the request)')
      .option('--value-from-env <name>', 'provided policy: read the value from this environment variable (default: stdin)')
      .option('--context <name>', 'kubeconfig context')
      .option('--dry-run', 'print the plan and write nothing')
      .option('--yes', 'write without a confirmation prompt (refused where approval is required)')
      .option('--to-env-file <file>', 'pull: the env file to write (0600)')
      .option('--format <format>', 'text or json', 'text')
      .action(async (direction: string | undefined, opts: SyncFlags) => {
        const format = parseFormat(opts.format, ['text', 'json'] as const);
        const paths = catalogPaths(io, opts);
        if (direction !== undefined && direction !== 'pull') throw new UserError({ message: `unknown sync direction "${direction}"`, hint: 'use `secretops sync pull` or no argument' }, ExitCode.usage);
        const cli = await import('./sync-run.js');
        if (direction === 'pull') {
          if (!opts.toEnvFile) throw new UserError({ message: 'sync pull needs --to-env-file FILE' }, ExitCode.usage);
          setExit(await cli.runPullCli(io, { ...paths, environment: opts.env, file: inCwd(io, opts.toEnvFile), ...(opts.service ? { service: opts.service } : {}), ...(opts.secret ? { secret: opts.secret } : {}), ...(opts.context ? { context: opts.context } : {}) }));
          return;
        }
        if (!opts.to) throw new UserError({ message: 'sync needs --to github|kubernetes|both' }, ExitCode.usage);
        const to = parseFormat(opts.to, ['github', 'kubernetes', 'both'] as const, '--to');
        const policy = parseFormat(opts.policy, ['deterministic', 'random', 'provided'] as const, '--policy');
        if (opts.valueFromEnv && policy !== 'provided') throw new UserError({ message: '--value-from-env only goes with --policy provided' }, ExitCode.usage);
        setExit(
          await cli.runSyncCli(io, {
            ...paths,
            environment: opts.env,
            ...(opts.service ? { service: opts.service } : {}),
            ...(opts.secret ? { secret: opts.secret } : {}),
            ...(opts.key ? { key: opts.key } : {}),
            to,
            policy,
            ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
            ...(opts.valueFromEnv ? { valueFromEnv: opts.valueFromEnv } : {}),
            ...(opts.context ? { context: opts.context } : {}),
            dryRun: Boolean(opts.dryRun),
            yes: Boolean(opts.yes),
            format,
          }),
        );
      });
  },
};
