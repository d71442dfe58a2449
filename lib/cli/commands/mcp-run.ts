import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CliIo } from '../io';
import type { ProjectPaths } from '../../catalog/load';
import { createMcpServer } from '../../mcp/server';

/**
 * Serves MCP on the process's stdin/stdout until the client disconnects. stdout carries the
 * protocol only: readable audit lines go to stderr.
 */
export async function serveStdio(io: CliIo, paths: ProjectPaths): Promise<void> {
  const server = createMcpServer({ io: { env: io.env, cwd: io.cwd, stdin: io.stdin, stderr: io.stderr }, paths });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
}
