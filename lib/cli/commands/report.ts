import type { CommandModule } from '../command';
import { inCwd, parseFormat, scanCacheFileOf, SERVICES_OPTION_HELP, servicesFileOf } from '../options';

interface ReportCliOptions {
  readonly base?: string;
  readonly format: string;
  readonly out?: string;
  /** @default services.yaml found upward to the git root, as every catalog command (`findServicesFile`) */
  readonly services?: string;
  readonly config?: string;
  readonly today?: string;
  readonly cache?: boolean;
  readonly cacheLocation?: string;
}

const FORMATS = ['markdown', 'html', 'json'] as const;

/** `secretops report`: what a change does to secrets, for the reviewer of a pull request. */
export const reportCommand: CommandModule = {
  register(program, io, setExit) {
    program
      .command('report')
      .description('compare the catalog and a fresh synth at --base with the working tree: changes, ownership, fixtures, guardrails, exceptions')
      .option('--base <ref>', 'git ref to compare with (default: the merge base with the default branch)')
      .option('--format <format>', 'markdown, html or json', 'markdown')
      .option('--out <file>', 'write the report here instead of stdout')
      .option('--services <file>', SERVICES_OPTION_HELP)
      .option('--config <file>', 'scanner configuration for the guardrail summary')
      .option('--today <date>', 'YYYY-MM-DD used for exception and allowlist expiry (default: $SECRETOPS_TODAY, else today, UTC)')
      .option('--cache', 'the guardrail scan reads the scan cache of `secretops scan --cache` (output unchanged)')
      .option('--cache-location <file>', 'the cache file of --cache (default: .cache/secretops/scan-cache)')
      .action(async (opts: ReportCliOptions) => {
        const format = parseFormat(opts.format, FORMATS);
        // One date for everything the report computes: exception expiry and the scan it runs.
        const { todayUtc } = await import('../../clock.js');
        const today = todayUtc(opts.today, io.env);
        const { buildPolicyReport } = await import('../../report/report.js');
        const { runScanCommand } = await import('./scan-run.js');
        const { DEFAULT_CACHE_LOCATION } = await import('../../scan/cache.js');
        const cache = scanCacheFileOf(io, opts, DEFAULT_CACHE_LOCATION);
        const model = await buildPolicyReport({
          cwd: io.cwd,
          ...(opts.base !== undefined ? { base: opts.base } : {}),
          servicesFile: servicesFileOf(io, opts.services),
          today,
          scan: async (repoRoot) =>
            (
              await runScanCommand({
                cwd: repoRoot,
                paths: [],
                staged: false,
                ...(opts.config !== undefined ? { config: inCwd(io, opts.config) } : {}),
                format: 'json',
                colour: false,
                today,
                ...(cache !== undefined ? { cache } : {}),
              })
            ).result,
        });
        const formatter =
          format === 'html'
            ? (await import('../../report/format/html.js')).reportToHtml
            : format === 'json'
              ? (await import('../../report/format/json.js')).reportToJson
              : (await import('../../report/format/markdown.js')).reportToMarkdown;
        const text = formatter(model);
        if (opts.out) {
          const { writeFileAtomic } = await import('../../fs-atomic.js');
          writeFileAtomic(inCwd(io, opts.out), text);
          io.stderr.write(`secretops: wrote the ${format} report to ${opts.out}\n`);
        } else io.stdout.write(text);
        setExit(0);
      });
  },
};
