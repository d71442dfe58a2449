import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../lib/catalog/load';
import type { Project } from '../../lib/catalog/load';
import { UserError } from '../../lib/errors';
import { synthesizeCatalog } from '../../lib/synth';
import type { SynthOptions } from '../../lib/synth';
import { canary, expectNoLeak } from '../../test/support/canary';
import { MINI_PROJECT, policyCases, scanFiles } from '../../test/support/scan-files';
import { tempDir } from '../../test/support/tmp';
import { comparedScopes, createDistDriftRule } from './index';

const FILE = 'nonprod/dev/api/external-secret.yaml';
const fresh = readFileSync(join(__dirname, 'cases', 'ok.fresh.yaml'), 'utf8');

/** A stand-in synthesizer with synthesizeCatalog's interface: writes a fixed tree into outdir. */
function fakeSynth(files: Record<string, string>, calls: SynthOptions[] = []) {
  return (opts: SynthOptions) => {
    calls.push(opts);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(opts.outdir, p)), { recursive: true });
      writeFileSync(join(opts.outdir, p), text);
    }
  };
}

/** A copy of the mini project with a committed dist/. */
function projectWithDist(dist: Record<string, string>): { dir: string; project: Project } {
  const dir = tempDir();
  cpSync(MINI_PROJECT, dir, { recursive: true });
  for (const [p, text] of Object.entries(dist)) {
    mkdirSync(dirname(join(dir, 'dist', p)), { recursive: true });
    writeFileSync(join(dir, 'dist', p), text);
  }
  return { dir, project: loadProject({ servicesFile: join(dir, 'services.yaml') }) };
}

describe('dist-drift', () => {
  const { ng, ok } = policyCases(__dirname);
  for (const [name, text] of [...ng, ...ok]) {
    it(`${name.includes('/ng.') ? 'finds' : 'passes'} ${name} committed against a fresh synth`, async () => {
      const { dir, project } = projectWithDist({ [FILE]: text });
      const rule = createDistDriftRule(fakeSynth({ [FILE]: fresh }));
      const f = await scanFiles(rule, {}, { project, cwd: dir, roots: ['.'] });
      if (name.includes('/ng.')) expect(f.length).toBeGreaterThan(0);
      else expect(f).toEqual([]);
    });
  }

  it('names added, missing and changed files with the first differing line, and passes the catalog paths', async () => {
    const calls: SynthOptions[] = [];
    const changed = fresh.replace('namespace: dev', 'namespace: dev2');
    const { dir, project } = projectWithDist({ [FILE]: changed, 'nonprod/dev/old/config.yaml': 'kind: ConfigMap\n' });
    const rule = createDistDriftRule(fakeSynth({ [FILE]: fresh, 'prod/platform/store.yaml': 'kind: ClusterSecretStore\n' }, calls));
    const f = await scanFiles(rule, {}, { project, cwd: dir, roots: ['.'] });
    expect(f.map((x) => [x.file, x.line, x.message])).toEqual([
      ['dist/nonprod/dev/api/external-secret.yaml', 6, 'dist/nonprod/dev/api/external-secret.yaml differs from a fresh synth of the catalog (first difference at this line)'],
      ['dist/nonprod/dev/old/config.yaml', 1, 'dist/nonprod/dev/old/config.yaml is not produced by a fresh synth of the catalog (stale or edited by hand)'],
      ['dist/prod/platform/store.yaml', 1, 'dist/prod/platform/store.yaml is missing: a fresh synth of the catalog writes it'],
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.servicesFile).toBe(join(dir, 'services.yaml'));
    expect(calls[0]!.fixturesDir).toBe(join(dir, 'fixtures'));
    expect(calls[0]!.outdir.startsWith(dir)).toBe(false);
    expect(calls[0]!.cwd).toBe(dir);
  });

  it('compares only the part of dist/ that was scanned, and nothing when dist/ was not', async () => {
    const { dir, project } = projectWithDist({ [FILE]: 'changed\n', 'prod/x.yaml': 'changed\n' });
    const rule = createDistDriftRule(fakeSynth({ [FILE]: fresh, 'prod/x.yaml': 'x\n' }));
    const only = await scanFiles(rule, {}, { project, cwd: dir, roots: ['dist/prod'] });
    expect(only.map((x) => x.file)).toEqual(['dist/prod/x.yaml']);
    expect(await scanFiles(rule, {}, { project, cwd: dir, roots: ['fixtures', 'services.yaml'] })).toEqual([]);
    expect(await scanFiles(rule, {}, { cwd: dir, roots: ['.'] })).toEqual([]);
  });

  it('infers the scope from the scanned documents when roots are unknown', () => {
    const doc = { file: { path: 'dist/a.yaml' } } as never;
    expect(comparedScopes('dist', {}, [doc])).toEqual(['dist']);
    expect(comparedScopes('dist', {}, [])).toEqual([]);
    expect(comparedScopes('dist', { roots: ['./'] }, [])).toEqual(['dist']);
    expect(comparedScopes('deploy/dist', { roots: ['deploy'] }, [])).toEqual(['deploy/dist']);
  });

  it('compares the scanned (staged) text rather than the working tree when it has it', async () => {
    const { dir, project } = projectWithDist({ [FILE]: fresh });
    const rule = createDistDriftRule(fakeSynth({ [FILE]: fresh }));
    const staged = await scanFiles(rule, { [`dist/${FILE}`]: fresh.replace('DATABASE_URL }', 'DATABASE_URI }') }, { project, cwd: dir, roots: ['dist'] });
    expect(staged.map((x) => x.line)).toEqual([14]);
  });

  it('never prints file contents', async () => {
    const secret = canary('dist');
    const { dir, project } = projectWithDist({ [FILE]: `${fresh}# ${secret}\n`, 'leak.yaml': `token: ${secret}\n` });
    const rule = createDistDriftRule(fakeSynth({ [FILE]: `${fresh}# other ${secret.slice(0, 6)}\n` }));
    const f = await scanFiles(rule, {}, { project, cwd: dir, roots: ['.'] });
    expect(f).toHaveLength(2);
    expectNoLeak(f.map((x) => JSON.stringify(x)), secret);
  });

  it('reports a catalog that does not synthesize, and lets internal errors through', async () => {
    const { dir, project } = projectWithDist({});
    const failing = createDistDriftRule(() => {
      throw new UserError({ message: 'bad catalog' });
    });
    const f = await scanFiles(failing, {}, { project, cwd: dir, roots: ['.'] });
    expect(f.map((x) => [x.file, x.message])).toEqual([['services.yaml', 'cannot compare dist/ with a fresh synth: the catalog does not synthesize (run `secretops validate`)']]);
    const broken = createDistDriftRule(() => {
      throw new Error('bug');
    });
    await expect(scanFiles(broken, {}, { project, cwd: dir, roots: ['.'] })).rejects.toThrow('bug');
  });

  it('with the real synthesizer, a dist/ synthesized from the catalog has no drift and a stray file does', async () => {
    const { dir, project } = projectWithDist({});
    synthesizeCatalog({ servicesFile: join(dir, 'services.yaml'), fixturesDir: join(dir, 'fixtures'), outdir: join(dir, 'dist') });
    const rule = createDistDriftRule();
    expect(await scanFiles(rule, {}, { project, cwd: dir, roots: ['.'] })).toEqual([]);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'stray.yaml'), 'kind: ConfigMap\n');
    const f = await scanFiles(rule, {}, { project, cwd: dir, roots: ['.'] });
    expect(f.map((x) => x.file)).toEqual(['dist/stray.yaml']);
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
  });
});
