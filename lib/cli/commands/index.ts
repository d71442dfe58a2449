import type { CommandModule } from '../command';
import { fixturesCommand } from './fixtures';
import { scanCommand } from './scan';
import { reportCommand } from './report';
import { resolveCommand } from './resolve';
import { smokeCommand } from './smoke';
import { validateCommand } from './validate';

/** Every command, in the order `--help` lists them. Explicit: no registration by side effect. */
export const COMMANDS: readonly CommandModule[] = [validateCommand, resolveCommand, fixturesCommand, scanCommand, reportCommand, smokeCommand];
