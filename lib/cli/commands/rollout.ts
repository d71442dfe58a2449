import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, inCwd, parseFormat, withCatalogOptions } from '../options';

interface RolloutCliOptions extends CatalogOptions {
  cluster: string;
  fromDist?: string;
  format: string;
  autoUnseal?: boolean;
  initCeremony?: boolean;
  bootstrapToken?: boolean;
  tlsProvisioned?: boolean;
  valuesProvisioned?: boolean;
  runbookDone?: boolean;
}

/** `secretops rollout`: would a fresh cluster come up from this dist/, and where would it stop? */
export const rolloutCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('rollout'))
      .description('simulate a fresh cluster syncing dist/ (Argo CD RollingSync, ESO, Vault): where it stops and why (exit 1 when it does not converge)')
      .requiredOption('--cluster <name>', 'the catalog cluster to simulate')
      .option('--from-dist <dir>', 'simulate this synthesized folder instead of synthesizing the catalog')
      .option('--format <format>', 'text or json', 'text')
      .option('--auto-unseal', 'production runbook step 1 done: Vault unseals itself through KMS')
      .option('--init-ceremony', 'production runbook step 2 done: Vault is initialized')
      .option('--bootstrap-token', 'production runbook step 3 done: the scoped bootstrap token Secret exists')
      .option('--tls-provisioned', "production runbook TLS section done: the Secret with Vault's CA and certificate exists")
      .option('--values-provisioned', 'production values written: every key the ExternalSecrets read exists in Vault')
      .option('--runbook-done', 'all of the above')
      .action(async (opts: RolloutCliOptions) => {
        const format = parseFormat(opts.format, ['text', 'json'] as const);
        const { loadProject } = await import('../../project/load.js');
        const { renderProject, catalogSourceName } = await import('../../synthesis/synthesize.js');
        const { readClusterDist, readDistFolder } = await import('../../rollout/cluster-dist.js');
        const { simulateRollout } = await import('../../rollout/simulate.js');
        const paths = catalogPaths(io, opts);
        const project = loadProject(paths);
        const files = opts.fromDist ? readDistFolder(inCwd(io, opts.fromDist)) : renderProject(project, catalogSourceName(paths.servicesFile, io.cwd)).files;
        const dist = readClusterDist(files, opts.cluster, project.catalog.spec.argocd?.path ?? 'dist');
        const all = opts.runbookDone === true;
        const result = simulateRollout(dist, {
          autoUnseal: all || opts.autoUnseal === true,
          initCeremony: all || opts.initCeremony === true,
          bootstrapToken: all || opts.bootstrapToken === true,
          tlsProvisioned: all || opts.tlsProvisioned === true,
          valuesProvisioned: all || opts.valuesProvisioned === true,
        });
        const { rolloutToJson, rolloutToText } = await import('../../rollout/format.js');
        io.stdout.write(format === 'json' ? rolloutToJson(result) : rolloutToText(result));
        setExit(result.converged ? 0 : 1);
      });
  },
};
