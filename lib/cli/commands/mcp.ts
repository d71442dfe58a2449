import type { CommandModule } from '../command';
import { catalogPaths, CatalogOptions, withCatalogOptions } from '../options';

/** `secretops mcp`: the Model Context Protocol server on stdio (tools secret.sync.github_k8s, secret.resolve, secret.plan). */
export const mcpCommand: CommandModule = {
  register(program, io, setExit) {
    withCatalogOptions(program.command('mcp'))
      .description('serve secretops as MCP tools on stdio (secret.sync.github_k8s, secret.resolve, secret.plan); values never leave the server')
      .action(async (opts: CatalogOptions) => {
        const { serveStdio } = await import('./mcp-run.js');
        await serveStdio(io, catalogPaths(io, opts));
        setExit(0);
      });
  },
};
