import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tmp';

describe('the secretops executable', () => {
  it('runs through bin/secretops.js after `npm run build` and lists the commands', () => {
    // What `npm run build` runs, with the Node that runs this suite (so the Node 24 CI run checks Node 24).
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.cjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'secretops.js'), '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: secretops \[options\] \[command\]/);
    const commands = r.stdout.slice(r.stdout.indexOf('Commands:')).split('\n').slice(1).map((l) => l.trim().split(/\s/)[0]).filter(Boolean);
    expect(commands).toEqual(expect.arrayContaining(['validate', 'resolve', 'fixtures']));

    const unknownEnv = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'secretops.js'), 'resolve', '--env', 'nowhere'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(unknownEnv.status).toBe(2);
    expect(unknownEnv.stderr).toMatch(/^secretops: services\.yaml: unknown environment "nowhere"\n/);
  });
});
