import type { CommandModule } from '../command';
import { inCwd, parseFormat, scanCacheFileOf } from '../options';
import { useColour } from '../io';

interface ScanCliOptions {
  readonly staged?: boolean;
  readonly contextDir?: string;
  readonly format: string;
  readonly config?: string;
  readonly services?: string;
  readonly fixtures?: string;
  readonly today?: string;
  readonly cache?: boolean;
  readonly cacheLocation?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;

/**
 * `secretops scan`: the guardrail scanner. Everything heavy (parser, rules, ajv) is imported inside
 * the action, so `secretops scan --staged` in a pre-commit hook starts fast.
 */
export const scanCommand: CommandModule = {
  register(program, io, setExit) {
    program
      .command('scan')
      .argument('[paths...]', 'files and directories to scan (default: .); with --staged, pathspecs narrowing the staged files as in `git diff --cached -- PATH`')
      .description('scan manifests for inline secrets, SealedSecrets, drift and wiring mistakes (exit 1 on an error finding, 2 on bad usage)')
      .option('--staged', 'scan what is staged in the git index (deletions included), not the working tree; from any folder as at the repository top, files named relative to it (cross-file rules read the whole index)')
      .option('--context-dir <dir>', 'cross-file rules (stores, Secret keys, fixtures, dist/ drift) also read the manifests under DIR; findings are reported for the scanned paths only')
      .option('--format <format>', 'text, json, sarif or markdown', 'text')
      .option('--config <file>', 'scanner configuration (default: ./secretops.config.yaml when present, else the built-in policy)')
      .option('--services <file>', 'the service catalog for catalog-aware rules (default: services.yaml here or in the nearest folder above, up to the git root, when present)')
      .option('--fixtures <dir>', 'Vault fixtures and inventories (default: fixtures/ beside the services file)')
      .option('--today <date>', 'YYYY-MM-DD used for allowlist expiry (default: $SECRETOPS_TODAY, else today, UTC)')
      .option('--cache', 'remember each file\'s outcome and check only files that changed since (output unchanged; nothing readable is stored)')
      .option('--cache-location <file>', 'the cache file of --cache (default: .cache/secretops/scan-cache)')
      .action(async (paths: string[], opts: ScanCliOptions) => {
        const format = parseFormat(opts.format, FORMATS);
        const { runScanCommand } = await import('./scan-run.js');
        const { todayUtc } = await import('../../clock.js');
        const { DEFAULT_CACHE_LOCATION } = await import('../../scan/cache.js');
        const cache = scanCacheFileOf(io, opts, DEFAULT_CACHE_LOCATION);
        const result = await runScanCommand({
          cwd: io.cwd,
          paths,
          staged: opts.staged ?? false,
          ...(opts.contextDir !== undefined ? { context: opts.contextDir } : {}),
          ...(opts.config !== undefined ? { config: opts.config } : {}),
          ...(opts.services !== undefined ? { services: inCwd(io, opts.services) } : {}),
          ...(opts.fixtures !== undefined ? { fixtures: inCwd(io, opts.fixtures) } : {}),
          today: todayUtc(opts.today, io.env),
          ...(cache !== undefined ? { cache } : {}),
          format,
          colour: useColour(io),
        });
        io.stdout.write(result.output);
        for (const w of result.warnings) io.stderr.write(`secretops: warning: ${w}\n`);
        setExit(result.exitCode);
      });
  },
};
