import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, inCwd, withCatalogOptions } from '../options';

/** `secretops bootstrap render --cluster NAME --out DIR`: a cluster's Vault bootstrap as files. */
export const bootstrapCommand: CommandModule = {
  register(program, io, setExit) {
    const bootstrap = program.command('bootstrap').description('the Vault bootstrap of a cluster (dev CronJob or production Job)');
    withCatalogOptions(bootstrap.command('render'))
      .description('write the bootstrap script, its plan and (dev) the fixture map or (production) the token policy and seal values into a folder')
      .requiredOption('--cluster <name>', 'the cluster')
      .requiredOption('--out <dir>', 'folder to write into (created if absent)')
      .action(async (opts: CatalogOptions & { cluster: string; out: string }) => {
        const { loadProject } = await import('../../project/load.js');
        const { renderBootstrap, writeRenderedBootstrap } = await import('../../bootstrap/render.js');
        const rendered = renderBootstrap(loadProject(catalogPaths(io, opts)), opts.cluster);
        const written = writeRenderedBootstrap(rendered, inCwd(io, opts.out));
        io.stdout.write(`${rendered.mode} bootstrap of cluster ${rendered.cluster}:\n${written.map((f) => `  ${f}\n`).join('')}`);
        setExit(0);
      });
  },
};
