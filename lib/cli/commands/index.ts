import type { CommandModule } from '../command';
import { fixturesCommand } from './fixtures';
import { resolveCommand } from './resolve';
import { synthCommand } from './synth';
import { validateCommand } from './validate';

/** Every command, in the order `--help` lists them. Explicit: no registration by side effect. */
export const COMMANDS: readonly CommandModule[] = [validateCommand, resolveCommand, synthCommand, fixturesCommand];
