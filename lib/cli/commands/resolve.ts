import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, parseFormat, withCatalogOptions } from '../options';

/** `secretops resolve --env ENV`: which source wins for every key, and what was tried. */
export const resolveCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('resolve'))
      .description('show where every key of an environment resolves from (exit 1 when a required key resolves nowhere)')
      .requiredOption('--env <environment>', 'environment name or alias')
      .option('--service <name>', 'only this service')
      .option('--format <format>', 'text or json', 'text')
      .action(async (opts: CatalogOptions & { env: string; service?: string; format: string }) => {
        const format = parseFormat(opts.format, ['text', 'json'] as const);
        const { openProject, selectEnvironment } = await import('../../project/load.js');
        const { resolutionsToJson, resolutionsToText } = await import('../../resolver/format.js');
        const project = openProject(catalogPaths(io, opts));
        const canonical = selectEnvironment(project, opts.env, opts.service);
        const { resolver } = project;
        const resolutions = resolver.resolveEnvironment(opts.env, opts.service ? { service: opts.service } : {});
        const alias = canonical.alias;
        io.stdout.write(
          format === 'json'
            ? JSON.stringify(resolutionsToJson(canonical.environment.name, resolutions, alias), null, 2) + '\n'
            : resolutionsToText(canonical.environment.name, resolutions, alias),
        );
        setExit(resolutions.some((r) => r.required && !r.winner) ? 1 : 0);
      });
  },
};
