import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors';
import { reportFatal } from '../../lib/cli/fatal';
import { canary, expectNoLeak } from '../support/canary';

function report(err: unknown, env: NodeJS.ProcessEnv = {}): { code: number; text: string } {
  let text = '';
  const code = reportFatal(err, { write: (s: string) => (text += s) }, env);
  return { code, text };
}

describe('the error boundary', () => {
  it('prints a user error as its diagnostics with their exit code', () => {
    const r = report(new UserError([{ file: 'a.yaml', line: 3, column: 5, pointer: '/x', message: 'wrong', hint: 'fix it' }], 2));
    expect(r).toEqual({ code: 2, text: 'secretops: a.yaml:3:5 /x: wrong\n  hint: fix it\n' });
  });

  it('reports anything else as a bug, without its message or stack, exit 2', () => {
    const secret = canary('internal');
    const r = report(new TypeError(`cannot read ${secret}`));
    expect(r).toEqual({ code: 2, text: 'secretops: internal error (this is a bug): TypeError; set SECRETOPS_DEBUG=1 for details\n' });
    expectNoLeak([r.text], secret);
  });

  it('shows the stack only when SECRETOPS_DEBUG is set', () => {
    const r = report(new Error('boom'), { SECRETOPS_DEBUG: '1' });
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/^secretops: internal error \(this is a bug\): Error: boom\n\s+at /);
  });
});
