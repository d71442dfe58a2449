import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, parseFormat, withCatalogOptions } from '../options';

/** `secretops validate`: the catalog and fixtures, with every error's file, line, column and pointer. */
export const validateCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('validate'))
      .description('validate services.yaml and the Vault fixtures (exit 1 on errors, 2 on unreadable input)')
      .option('--format <format>', 'text or json', 'text')
      .action(async (opts: CatalogOptions & { format: string }) => {
        const format = parseFormat(opts.format, ['text', 'json'] as const);
        const { validateProject } = await import('../../project/load.js');
        const { formatDiagnostic } = await import('../../errors.js');
        const paths = catalogPaths(io, opts);
        const { project, diagnostics } = validateProject(paths);
        if (format === 'json') {
          io.stdout.write(JSON.stringify({ valid: diagnostics.length === 0, errors: diagnostics }, null, 2) + '\n');
        } else if (diagnostics.length > 0) {
          for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
          io.stderr.write(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}\n`);
        } else if (project) {
          const { catalog, fixtures } = project;
          io.stdout.write(
            `${paths.servicesFile}: valid (${catalog.spec.services.length} services, ${catalog.spec.environments.length} environments, ${fixtures.files.length} fixture files)\n`,
          );
        }
        setExit(diagnostics.length > 0 ? 1 : 0);
      });
  },
};
