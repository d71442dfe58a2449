import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../lib/sync/audit';
import { canary, expectNoLeak } from '../support/canary';
import { tempDir } from '../support/tmp';

describe('sync audit log', () => {
  it('writes shared audit events and a readable line; a forbidden value is redacted even if a caller slips', () => {
    const file = join(tempDir(), 'audit.jsonl');
    let stderr = '';
    const log = new AuditLog(file, { write: (s: string) => (stderr += s) }, () => new Date('2026-01-01T00:00:00Z'));
    const secret = canary();
    log.forbid(secret);
    log.record({ event: 'failure', operation: 'sync', project: 'ameide', environment: 'dev', target: 't', result: 'failed', reason: `oops ${secret}` });
    const line = JSON.parse(readFileSync(file, 'utf8'));
    expect(line).toEqual({ time: '2026-01-01T00:00:00.000Z', component: 'sync', action: 'failure', outcome: 'failed', operation: 'sync', project: 'ameide', environment: 'dev', target: 't', reason: 'oops [REDACTED]', redacted: true });
    expect(stderr).toBe('secretops: failure failed t (env dev): oops [REDACTED]\n');
    expectNoLeak([readFileSync(file, 'utf8'), stderr], secret);
  });
});
