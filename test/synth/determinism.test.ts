import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoBin, runCdk8s } from '../support/cdk8s-cli';
import { runSecretops } from '../support/cli';
import { readTree } from '../support/dist';
import { exampleProject, REPO_ROOT, tempDir } from '../support/tmp';

describe('synth output', () => {
  it('is byte-identical across two runs, with no timestamps', async () => {
    const project = exampleProject();
    const a = await runSecretops(['synth', '--out', 'a'], { cwd: project });
    const b = await runSecretops(['synth', '--out', 'b'], { cwd: project });
    expect([a.code, b.code]).toEqual([0, 0]);
    const first = readTree(join(project, 'a'));
    const second = readTree(join(project, 'b'));
    expect(first.size).toBeGreaterThan(100);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, text] of first) expect(second.get(file), file).toBe(text);
    const stamp = /\b20\d\d-\d\d-\d\dT\d\d:\d\d|creationTimestamp/;
    for (const [file, text] of first) expect(stamp.test(text), file).toBe(false);
  });

  it('matches the committed dist/ (run `npx cdk8s synth` and commit when this fails)', async () => {
    const out = tempDir();
    const r = await runSecretops(['synth', '--out', join(out, 'dist')], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    const fresh = readTree(join(out, 'dist'));
    const committed = readTree(join(REPO_ROOT, 'dist'));
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [file, text] of fresh) expect(committed.get(file), `dist/${file} is stale`).toBe(text);
  });

  it('replaces the output folder as a whole: stale files disappear', async () => {
    const project = exampleProject();
    expect((await runSecretops(['synth'], { cwd: project })).code).toBe(0);
    mkdirSync(join(project, 'dist', 'old-cluster'), { recursive: true });
    writeFileSync(join(project, 'dist', 'old-cluster', 'stale.yaml'), 'kind: Stale\n');
    const r = await runSecretops(['synth'], { cwd: project });
    expect(r.code).toBe(0);
    expect(existsSync(join(project, 'dist', 'old-cluster'))).toBe(false);
    expect(existsSync(join(project, 'dist', 'prod', '_cluster', 'vault-bootstrap', 'cluster-secret-store.yaml'))).toBe(true);
  });

  it('is what `cdk8s synth` writes', () => {
    const project = exampleProject();
    writeFileSync(join(project, 'cdk8s.yaml'), `language: typescript\napp: ${repoBin('tsx')} ${join(REPO_ROOT, 'main.ts')}\noutput: dist\n`);
    runCdk8s(['synth'], project);
    const viaCdk8s = readTree(join(project, 'dist'));
    const committed = readTree(join(REPO_ROOT, 'dist'));
    expect([...viaCdk8s.keys()]).toEqual([...committed.keys()]);
    for (const [file, text] of committed) expect(viaCdk8s.get(file), file).toBe(text);
  });
});
