/** Version of the CLI and the MCP server, printed by --version. Its own module so the MCP server can read it without loading the CLI. */
export const VERSION = '0.1.0';
