import { dirname, join, relative } from 'node:path';
import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, inCwd, withCatalogOptions } from '../options';

/** `secretops synth`: the same as `cdk8s synth` (which runs main.ts), without the cdk8s CLI. */
export const synthCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('synth'))
      .description('synthesize dist/ from the catalog: ClusterSecretStore, ExternalSecrets, oauth2-proxy, Argo CD wiring (same output as `cdk8s synth`)')
      .option('--out <dir>', 'output folder, replaced as a whole (default: dist/ beside the services file)')
      .action(async (opts: CatalogOptions & { out?: string }) => {
        const { synthesizeCatalog } = await import('../../synthesis/synthesize.js');
        const paths = catalogPaths(io, opts);
        // Run from a subfolder, the catalog found above is synthesized into its own dist/, not here.
        const out = opts.out ?? join(dirname(paths.servicesFile), 'dist');
        const outdir = inCwd(io, out);
        const result = synthesizeCatalog({ ...paths, outdir, cwd: io.cwd });
        const { formatDiagnostic } = await import('../../errors.js');
        for (const w of result.warnings) io.stderr.write(`warning: ${formatDiagnostic(w)}\n`);
        const shown = opts.out ?? (relative(io.cwd, outdir) || '.');
        io.stdout.write(`${shown}: ${result.objects} objects in ${result.files} files\n`);
        setExit(0);
      });
  },
};
