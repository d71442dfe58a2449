import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, inCwd, withCatalogOptions } from '../options';

/** `secretops synth`: the same as `cdk8s synth` (which runs main.ts), without the cdk8s CLI. */
export const synthCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('synth'))
      .description('synthesize dist/ from the catalog: ClusterSecretStore, ExternalSecrets, oauth2-proxy, Argo CD wiring (same output as `cdk8s synth`)')
      .option('--out <dir>', 'output folder (replaced as a whole)', 'dist')
      .action(async (opts: CatalogOptions & { out: string }) => {
        const { synthesizeCatalog } = await import('../../synthesis/synthesize.js');
        const outdir = inCwd(io, opts.out);
        const result = synthesizeCatalog({ ...catalogPaths(io, opts), outdir, cwd: io.cwd });
        io.stdout.write(`${opts.out}: ${result.objects} objects in ${result.files} files\n`);
        setExit(0);
      });
  },
};
