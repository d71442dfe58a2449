import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, withCatalogOptions } from '../options';

/** `secretops fixtures scaffold`: add the fixture entries the catalog needs, keep everything else. */
export const fixturesCommand: CommandModule = {
  register(program, io, setExit) {
    const fixtures = program.command('fixtures').description('manage Vault fixtures and inventories');
    withCatalogOptions(fixtures.command('scaffold'))
      .description('add fixture entries the catalog needs and the fixtures lack; list orphans')
      .option('--dry-run', 'print what would be added, write nothing')
      .action(async (opts: CatalogOptions & { dryRun?: boolean }) => {
        const { openProject } = await import('../../project/load.js');
        const { planScaffold, applyScaffold } = await import('../../project/scaffold.js');
        const { catalog, fixtures, resolver } = openProject(catalogPaths(io, opts));
        const plan = planScaffold(catalog, fixtures.dir, fixtures.files, resolver);
        if (!opts.dryRun) applyScaffold(plan, fixtures.dir);
        const verb = opts.dryRun ? 'would add' : 'added';
        for (const a of plan.additions) io.stdout.write(`${verb} ${a.file}: ${a.path}#${a.key} (${a.spec})\n`);
        for (const o of plan.orphans) io.stdout.write(`orphan ${o.file}: ${o.path}#${o.key} (no environment resolves to it)\n`);
        io.stdout.write(`${plan.additions.length} ${verb}, ${plan.orphans.length} orphan${plan.orphans.length === 1 ? '' : 's'}\n`);
        setExit(0);
      });
  },
};
