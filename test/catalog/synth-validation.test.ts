import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors';
import { synthesizeCatalog } from '../../lib/synthesis/synthesize';
import { editFile, positionIn } from '../support/edit';
import { exampleProject } from '../support/tmp';

describe('synth validates first', () => {
  it('stops on the same diagnostics as validate and writes nothing', () => {
    const dir = exampleProject();
    editFile(dir, 'services.yaml', '      ai-staging: ai\n', '      ai-staging: staging\n');
    const outdir = join(dir, 'dist');
    let caught: unknown;
    try {
      synthesizeCatalog({ servicesFile: join(dir, 'services.yaml'), outdir });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    const at = positionIn(dir, 'services.yaml', 'staging\n');
    expect((caught as UserError).diagnostics).toEqual([
      {
        file: join(dir, 'services.yaml'),
        line: at.line,
        column: at.column,
        pointer: '/spec/secretResolution/environmentAliases/ai-staging',
        message: 'alias "ai-staging" points at unknown environment "staging"',
        hint: 'use one of: production, ai, dev',
      },
    ]);
    expect(existsSync(outdir)).toBe(false);
  });
});
