import type { CommandModule } from '../command';
import { accessKeyCommand } from './access-key';
import { bootstrapCommand } from './bootstrap';
import { fixturesCommand } from './fixtures';
import { mcpCommand } from './mcp';
import { scanCommand } from './scan';
import { reportCommand } from './report';
import { resolveCommand } from './resolve';
import { rolloutCommand } from './rollout';
import { smokeCommand } from './smoke';
import { synthCommand } from './synth';
import { syncCommand } from './sync';
import { validateCommand } from './validate';

/** Every command, in the order `--help` lists them. Explicit: no registration by side effect. */
export const COMMANDS: readonly CommandModule[] = [
  validateCommand,
  resolveCommand,
  synthCommand,
  fixturesCommand,
  bootstrapCommand,
  syncCommand,
  accessKeyCommand,
  smokeCommand,
  rolloutCommand,
  scanCommand,
  reportCommand,
  mcpCommand,
];
