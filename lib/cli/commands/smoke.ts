import type { CommandModule } from '../command';
import { quoteInput } from '../../quote-input';
import { catalogPaths, CatalogOptions, inCwd, parseFormat, withCatalogOptions } from '../options';

interface SmokeCliOptions extends CatalogOptions {
  env: string;
  slot?: string;
  timeout: string;
  interval: string;
  context?: string;
  format: string;
  fromDist?: string;
}

/** `secretops smoke`: is every Secret the environment needs really there, with every key? */
export const smokeCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('smoke'))
      .description('check a live cluster: every ExternalSecret Ready, every target Secret with every key (exit 1 when not)')
      .requiredOption('--env <environment>', 'environment name or alias')
      .option('--slot <n>', 'only this slot of an environment with slots')
      .option('--timeout <duration>', 'how long to wait for readiness', '5m')
      .option('--interval <duration>', 'time between checks', '2s')
      .option('--context <name>', 'kubeconfig context (default: the current one)')
      .option('--format <format>', 'text or json', 'text')
      .option('--from-dist <dir>', 'read the rendered manifests from this folder instead of synthesizing')
      .action(async (opts: SmokeCliOptions) => {
        const format = parseFormat(opts.format, ['text', 'json'] as const);
        const { requireDuration, formatDuration } = await import('../../duration.js');
        const { ExitCode, UserError } = await import('../../errors.js');
        const timeoutMs = requireDuration(opts.timeout, '--timeout');
        const intervalMs = requireDuration(opts.interval, '--interval');
        let slot: number | undefined;
        if (opts.slot !== undefined) {
          slot = Number(opts.slot);
          if (!/^\d+$/.test(opts.slot)) throw new UserError({ message: `--slot must be a slot number, not ${quoteInput(opts.slot)}` }, ExitCode.usage);
        }
        const { loadProject } = await import('../../project/load.js');
        const { smokeTargets } = await import('../../smoke/targets.js');
        const { readManifests, renderedObjects } = await import('../../synthesis/rendered.js');
        const paths = catalogPaths(io, opts);
        const project = loadProject(paths);
        const objects = opts.fromDist
          ? readManifests(inCwd(io, opts.fromDist))
          : renderedObjects({ servicesFile: paths.servicesFile, ...(paths.fixturesDir ? { fixturesDir: paths.fixturesDir } : {}) });
        const targets = smokeTargets(project.catalog, objects, opts.env, slot);
        const { loadKubeConfig, kubernetesClusterReader } = await import('../../smoke/cluster.js');
        const reader = await kubernetesClusterReader(await loadKubeConfig(io.env, opts.context));
        const { runSmoke } = await import('../../smoke/smoke.js');
        const tty = Boolean(io.stderr.isTTY);
        const result = await runSmoke(reader, targets, {
          timeoutMs,
          intervalMs,
          onProgress: tty
            ? (ready, total, remaining) => io.stderr.write(`\rwaiting: ${ready}/${total} ready, ${formatDuration(Math.ceil(remaining / 1000) * 1000)} left   `)
            : undefined,
        });
        if (tty) io.stderr.write('\r\x1b[K');
        const { smokeToJson, smokeToText } = await import('../../smoke/format.js');
        io.stdout.write(format === 'json' ? smokeToJson(result) : smokeToText(result));
        setExit(result.ok ? 0 : 1);
      });
  },
};
