import { closeSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScanCommand, ScanCommandInput } from '../../lib/cli/commands/scan-run';
import { contentsDigest, ScanCache } from '../../lib/scan/cache';
import * as engine from '../../lib/scan/engine';
import type { Rule } from '../../lib/scan/types';
import { fileTree, testConfig } from '../support/scan';
import { MINI_PROJECT } from '../support/scan-files';
import { tempDir } from '../support/tmp';

/**
 * `scan --cache`: the output with a cache, cold or warm, is byte-identical to a scan without one;
 * a file is found in the cache only when it and everything deciding its outcome are unchanged;
 * the cache file holds nothing readable without the files it describes.
 */
const corpus = join(__dirname, '..', 'corpora', 'realworld');

const CANARY = 'Zq7vKp2mWx9rTb4nLc8s-cache-canary';

function scanOf(cwd: string, extra: Partial<ScanCommandInput> = {}) {
  return runScanCommand({ cwd, paths: ['.'], staged: false, format: 'json', colour: false, today: '2026-06-01', ...extra });
}

/** Hits and misses of the last scan (the module's live binding). */
function counts() {
  return { ...(engine as { lastScanCache?: { hits: number; misses: number } }).lastScanCache! };
}

function ingress(path: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: b\n  namespace: ai-slot-1\n  annotations:\n    secretops.dev/route: bypass\nspec:\n  rules:\n    - host: api-ai-slot-1.ai.mini.dev\n      http:\n        paths:\n          - {path: "${path}", pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 8080}}}}\n`;
}

/** A small project: the mini catalog, an ingress a catalog-aware document rule reads, a Secret, an ExternalSecret. */
function project(): string {
  const dir = tempDir();
  cpSync(MINI_PROJECT, dir, { recursive: true });
  mkdirSync(join(dir, 'apps'));
  writeFileSync(join(dir, 'apps', 'ingress.yaml'), ingress('/api/admin'));
  writeFileSync(join(dir, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: apps}\ndata: {k: v}\n');
  // The applied-configuration annotation copies the Secret whole: summaries keep annotations.
  const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: CANARY } });
  writeFileSync(
    join(dir, 'apps', 'secret.yaml'),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${applied}'\nstringData:\n  password: ${CANARY}\n`,
  );
  writeFileSync(
    join(dir, 'apps', 'es.yaml'),
    `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: es\n  namespace: apps\n  annotations:\n    note: '${CANARY}'\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: nowhere}\n  target: {name: es}\n  data:\n    - secretKey: k\n      remoteRef: {key: app/es, property: k}\n`,
  );
  return dir;
}

describe('scan --cache', () => {
  it('gives the output of a scan without a cache, cold and warm, and finds every file the second time', async () => {
    const folder = join(tempDir(), 'c');
    const cache = join(folder, 'scan-cache');
    const plain = await scanOf(corpus);
    const cold = await scanOf(corpus, { cache });
    expect(counts().hits).toBe(0);
    const warm = await scanOf(corpus, { cache });
    // One corpus file is over maxFileSize: it is reported unread at once, without being read or looked up.
    expect(counts()).toEqual({ hits: cold.result.stats.files + cold.result.stats.skippedFiles - 1, misses: 0, unkeyed: 1 });
    expect(cold.output).toBe(plain.output);
    expect(warm.output).toBe(plain.output);
    expect(warm.exitCode).toBe(plain.exitCode);
    expect(readFileSync(join(folder, '.gitignore'), 'utf8').trim().endsWith('*')).toBe(true);
  }, 120_000);

  it('checks again exactly the files that changed, and agrees with a fresh scan', async () => {
    const dir = project();
    const cache = join(dir, '.cache', 'secretops', 'scan-cache');
    const first = await scanOf(dir, { cache });
    expect(first.result.findings.some((f) => f.ruleId === 'no-undeclared-bypass-route')).toBe(true);
    writeFileSync(join(dir, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: apps}\ndata: {password: hunter2-but-longer}\n');
    const second = await scanOf(dir, { cache });
    expect(counts().misses).toBe(1);
    expect(second.output).toBe((await scanOf(dir)).output);
    // The cache's own folder is ignored by Git and never scanned.
    expect(readFileSync(join(dir, '.cache', 'secretops', '.gitignore'), 'utf8')).toContain('*');
    expect(second.result.findings.every((f) => !f.file.startsWith('.cache/'))).toBe(true);
  });

  it('keys each outcome to its path: two files that swap contents are both checked again', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    await scanOf(dir, { cache });
    const a = readFileSync(join(dir, 'apps', 'ingress.yaml'));
    const b = readFileSync(join(dir, 'apps', 'secret.yaml'));
    writeFileSync(join(dir, 'apps', 'ingress.yaml'), b);
    writeFileSync(join(dir, 'apps', 'secret.yaml'), a);
    const swapped = await scanOf(dir, { cache });
    expect(counts().misses).toBe(2);
    expect(swapped.output).toBe((await scanOf(dir)).output);
  });

  it('checks a catalog-reading file again when the catalog changes, and only then', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    await scanOf(dir, { cache });
    // An unrelated edit of the catalog's folder (not an input): every file is found.
    writeFileSync(join(dir, 'README.txt'), 'notes\n');
    await scanOf(dir, { cache });
    expect(counts().misses).toBe(0);
    // Declaring the path in the catalog: the ingress is checked again, the ConfigMap is not.
    const services = join(dir, 'services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('bypassPaths: [/api/v1/runs/*/bypass]', 'bypassPaths: [/api/v1/runs/*/bypass, /api/admin]'));
    const after = await scanOf(dir, { cache });
    const { hits, misses } = counts();
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(after.result.findings.some((f) => f.ruleId === 'no-undeclared-bypass-route')).toBe(false);
    expect(after.output).toBe((await scanOf(dir)).output);
  });

  it('checks every file again for another configuration or set of paths', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    await scanOf(dir, { cache });
    writeFileSync(join(dir, 'secretops.config.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nrules:\n  unknown-secret-store: warning\n');
    const configured = await scanOf(dir, { cache, today: '2026-06-02' });
    expect(counts().hits).toBe(0);
    expect(configured.output).toBe((await scanOf(dir, { today: '2026-06-02' })).output);
    await scanOf(dir, { cache, today: '2026-06-02', paths: ['apps'] });
    expect(counts().hits).toBe(0);
  });

  it('on a new day checks again only the files a date-reading rule reads (ScanConfig), and reports an allowlist expiring overnight', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    writeFileSync(
      join(dir, 'secretops.config.yaml'),
      'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nallowlist:\n  - {path: apps/secret.yaml, rule: no-inline-secret, reason: demo data, expires: "2026-06-01"}\n',
    );
    const before = await scanOf(dir, { cache });
    const files = counts().misses;
    expect(before.result.findings.filter((f) => f.ruleId === 'expired-allowlist')).toEqual([]);
    const after = await scanOf(dir, { cache, today: '2026-06-02' });
    expect(counts()).toEqual({ hits: files - 1, misses: 1, unkeyed: 0 });
    expect(after.result.findings.filter((f) => f.ruleId === 'expired-allowlist').map((f) => f.file)).toEqual(['secretops.config.yaml']);
    expect(after.output).toBe((await scanOf(dir, { today: '2026-06-02' })).output);
    // And back: each day's outcome is its own.
    expect((await scanOf(dir, { cache })).output).toBe(before.output);
    expect(counts().misses).toBe(0);
  });

  it('stores no outcome that read the date unless the file is keyed by it', async () => {
    const dir = fileTree({ 'a.yaml': 'kind: ConfigMap\nmetadata: {name: a}\n' });
    const cache = join(dir, 'cache');
    const datedRule: Rule = {
      meta: { id: 'reads-date', description: 'd', remediation: 'R.', defaultSeverity: 'warning', docs: 'x', scope: 'document' },
      checkDocument(doc, ctx, report) {
        if (ctx.today && ctx.today > '2026-06-01') report({ doc, message: 'late' });
      },
    };
    const run = (today: string) => engine.scan({ cwd: dir, config: testConfig(), rules: [datedRule], today, cache });
    await run('2026-06-01');
    await run('2026-06-02');
    // Not found under a date it did not hold for: checked again, and right.
    expect(counts().hits).toBe(0);
    expect((await run('2026-06-02')).findings.map((f) => f.message)).toEqual(['late']);
  });

  it('keys by the date the files holding what a rule declares it reads the date in (`readsTodayIn`), and only while the rule is on', async () => {
    const dir = fileTree({ 'a.yaml': 'kind: Dated\nmetadata: {name: a}\n', 'b.yaml': 'kind: ConfigMap\nmetadata: {name: b}\n' });
    const cache = join(dir, 'cache');
    const datedRule: Rule = {
      meta: { id: 'reads-date', description: 'd', remediation: 'R.', defaultSeverity: 'warning', docs: 'x', scope: 'document', interest: /kind: Dated/, readsTodayIn: 'Dated' },
      checkDocument(doc, ctx, report) {
        if (ctx.today && ctx.today > '2026-06-01') report({ doc, message: 'late' });
      },
    };
    const run = (today: string, severity?: 'off') =>
      engine.scan({ cwd: dir, config: testConfig(severity ? { rules: { 'reads-date': severity } } : {}), rules: [datedRule], today, cache });
    await run('2026-06-01');
    expect((await run('2026-06-01')).findings).toEqual([]);
    expect(counts()).toEqual({ hits: 2, misses: 0, unkeyed: 0 });
    // The next day: only the file holding the literal is checked again, and reported.
    expect((await run('2026-06-02')).findings.map((f) => `${f.file} ${f.message}`)).toEqual(['a.yaml late']);
    expect(counts()).toEqual({ hits: 1, misses: 1, unkeyed: 0 });
    expect((await run('2026-06-02')).findings.map((f) => f.message)).toEqual(['late']);
    expect(counts().misses).toBe(0);
    // Turned off, the rule marks nothing: a new day finds every file (under this configuration's scope).
    await run('2026-06-02', 'off');
    await run('2026-06-03', 'off');
    expect(counts()).toEqual({ hits: 2, misses: 0, unkeyed: 0 });
  });

  it('holds no value of the files it describes, and nothing readable without them', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    const result = await scanOf(dir, { cache });
    // The canary is in summaries (annotations) and in findings' files: none of it reaches the file.
    const bytes = readFileSync(cache);
    for (const form of [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(CANARY, 'utf16le').toString('latin1'), 'last-applied-configuration', 'secret.yaml', 'apps/', 'no-inline-secret', 'ExternalSecret']) {
      expect(bytes.includes(Buffer.from(form, 'latin1')), form).toBe(false);
    }
    expect(result.output).not.toContain(CANARY);
    expect(readFileSync(cache).length).toBeGreaterThan(0);
  });

  it('reads a damaged or foreign cache file as empty and replaces it', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    const plain = await scanOf(dir);
    for (const damage of [Buffer.from('not a cache'), Buffer.alloc(0)]) {
      writeFileSync(cache, damage);
      expect((await scanOf(dir, { cache })).output).toBe(plain.output);
      expect(counts().hits).toBe(0);
      expect((await scanOf(dir, { cache })).output).toBe(plain.output);
      expect(counts().misses).toBe(0);
    }
    // Cut short (a torn write) or with one entry changed: nothing wrong is taken from it.
    const whole = readFileSync(cache);
    writeFileSync(cache, whole.subarray(0, whole.length - 7));
    expect((await scanOf(dir, { cache })).output).toBe(plain.output);
    const flipped = Buffer.from(readFileSync(cache));
    flipped[flipped.length - 3] ^= 0xff;
    writeFileSync(cache, flipped);
    expect((await scanOf(dir, { cache })).output).toBe(plain.output);
    expect(counts().misses).toBe(1);
  });

  it('warns when the cache cannot be written and scans as without it', async () => {
    const dir = project();
    writeFileSync(join(dir, 'blocker'), 'a file where the cache folder would be\n');
    const out = await scanOf(dir, { cache: join(dir, 'blocker', 'scan-cache') });
    const plain = await scanOf(dir);
    expect(out.exitCode).toBe(plain.exitCode);
    expect(out.result.findings).toEqual(plain.result.findings);
    expect(out.warnings.join('\n')).toMatch(/^blocker\/scan-cache: the scan cache could not be written \((EEXIST|ENOTDIR)\); the next scan reads every file again/);
    expect(out.warnings.join('\n')).not.toContain(CANARY);
    expect(existsSync(join(dir, 'blocker', 'scan-cache'))).toBe(false);
  });

  it('is written only by runs that add to it, readable by its owner only', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    await scanOf(dir, { cache });
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    const before = readFileSync(cache);
    const written = statSync(cache).mtimeMs;
    await scanOf(dir, { cache });
    expect(counts().misses).toBe(0);
    expect(statSync(cache).mtimeMs).toBe(written);
    expect(readFileSync(cache).equals(before)).toBe(true);
  });
});

describe('ScanCache', () => {
  it('finds an outcome only under the same scope, path and bytes', () => {
    const file = join(tempDir(), 'c');
    const a = ScanCache.open<string>(file, ['code-1', 'config-1']);
    a.set(a.lookupFor('x.yaml', Buffer.from('k: v\n')), 'found');
    a.save(() => {});
    const same = ScanCache.open<string>(file, ['code-1', 'config-1']);
    expect(same.get(same.lookupFor('x.yaml', Buffer.from('k: v\n')))).toBe('found');
    // An outcome made with the catalog is found only with that catalog.
    const withCatalog = same.lookupFor('x.yaml', Buffer.from('k: v\n'), '', 'c1');
    same.set(withCatalog, 'with catalog c1');
    expect(same.get(same.lookupFor('x.yaml', Buffer.from('k: v\n'), '', 'c1'))).toBe('with catalog c1');
    expect(same.has(same.lookupFor('x.yaml', Buffer.from('k: v\n'), '', 'c2'))).toBe(false);
    expect(same.get(same.lookupFor('y.yaml', Buffer.from('k: v\n')))).toBeUndefined();
    expect(same.get(same.lookupFor('x.yaml', Buffer.from('k: w\n')))).toBeUndefined();
    expect(same.get(same.lookupFor('x.yaml', Buffer.from('k: v\n'), 'helm-values'))).toBeUndefined();
    const other = ScanCache.open<string>(file, ['code-2', 'config-1']);
    expect(other.get(other.lookupFor('x.yaml', Buffer.from('k: v\n')))).toBeUndefined();
    // Scope parts are kept apart: ["ab", "c"] is not ["a", "bc"].
    const split = ScanCache.open<string>(file, ['code-1con', 'fig-1']);
    expect(split.get(split.lookupFor('x.yaml', Buffer.from('k: v\n')))).toBeUndefined();
  });

  it('writes and reads back many entries, small and larger than its write buffer, with fresh IVs', () => {
    const file = join(tempDir(), 'c');
    const a = ScanCache.open<string>(file, ['code-1']);
    const big = 'x'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < 3000; i++) a.set(a.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)), i === 1500 ? big : `outcome ${i}`);
    a.save(() => {});
    const b = ScanCache.open<string>(file, ['code-1']);
    for (const i of [0, 1499, 1500, 1501, 2999]) expect(b.get(b.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)))).toBe(i === 1500 ? big : `outcome ${i}`);
    // Entries are read from the file when taken, in any order, even after the file was replaced
    // (another scan's atomic rename): the open file is the one indexed.
    writeFileSync(`${file}.new`, 'other');
    renameSync(`${file}.new`, file);
    for (let i = 2999; i >= 0; i -= 7) expect(b.get(b.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)))).toBe(i === 1500 ? big : `outcome ${i}`);
    b.close();
    a.save(() => {});
    // No two entries share an IV (the first 12 bytes of each sealed entry).
    const raw = readFileSync(file);
    const ivs = new Set<string>();
    let at = raw.indexOf(0x0a) + 1 + 4;
    while (at < raw.length) {
      const size = raw.readUInt32LE(at + 40);
      ivs.add(raw.toString('hex', at + 44, at + 44 + 12));
      at += 44 + size;
    }
    expect(ivs.size).toBe(3000);
  });

  it('spills this run\'s new entries to a sealed file beside the cache (mode 0600) and removes it when closed', () => {
    const dir = tempDir();
    const file = join(dir, 'sub', 'c');
    const a = ScanCache.open<string>(file, ['code-1']);
    for (let i = 0; i < 50; i++) a.set(a.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)), `${CANARY} ${i}`);
    const spill = join(dir, 'sub', `c.${process.pid}.new`);
    // Still buffered: taken back before the save all the same.
    expect(a.get(a.lookupFor('f7.yaml', Buffer.from('k: 7\n')))).toBe(`${CANARY} 7`);
    expect(statSync(spill).mode & 0o777).toBe(0o600);
    expect(readFileSync(spill).includes(CANARY)).toBe(false);
    expect(readFileSync(join(dir, 'sub', '.gitignore'), 'utf8')).toContain('*');
    a.save(() => {});
    a.close();
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['.gitignore', 'c']);
    const b = ScanCache.open<string>(file, ['code-1']);
    for (const i of [0, 7, 49]) expect(b.get(b.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)))).toBe(`${CANARY} ${i}`);
    expect(readFileSync(file).includes(CANARY)).toBe(false);
  });

  it('holds new entries in memory once the spill file cannot be written (a full disk), never failing the scan', () => {
    const file = join(tempDir(), 'c');
    const a = ScanCache.open<string>(file, ['code-1']);
    a.set(a.lookupFor('first.yaml', Buffer.from('k: 0\n')), `${CANARY} first`);
    // The spill file's descriptor goes bad under it: every later write fails (as ENOSPC would).
    closeSync((a as unknown as { spill: { writer: { fd: number } } }).spill.writer.fd);
    const big = 'x'.repeat(2 * 1024 * 1024);
    for (let i = 1; i < 5; i++) expect(() => a.set(a.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)), i === 1 ? big : `${CANARY} ${i}`)).not.toThrow();
    for (let i = 1; i < 5; i++) expect(a.get(a.lookupFor(`f${i}.yaml`, Buffer.from(`k: ${i}\n`)))).toBe(i === 1 ? big : `${CANARY} ${i}`);
    // The entry whose bytes never reached the file reads as damaged: dropped, checked afresh.
    expect(a.get(a.lookupFor('first.yaml', Buffer.from('k: 0\n')))).toBeUndefined();
    const warned: string[] = [];
    expect(() => a.save((m) => warned.push(m))).not.toThrow();
    a.close();
    expect(warned.join('\n')).not.toContain(CANARY);
    const b = ScanCache.open<string>(file, ['code-1']);
    expect(b.get(b.lookupFor('f3.yaml', Buffer.from('k: 3\n')))).toBe(`${CANARY} 3`);
  });

  it('holds new entries in memory when no spill file can be made, and warns at the save', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), 'a file where the cache folder would be\n');
    const a = ScanCache.open<string>(join(dir, 'blocker', 'c'), ['code-1']);
    a.set(a.lookupFor('x.yaml', Buffer.from('k: v\n')), 'held');
    expect(a.get(a.lookupFor('x.yaml', Buffer.from('k: v\n')))).toBe('held');
    const warned: string[] = [];
    a.save((m) => warned.push(m));
    a.close();
    expect(warned).toEqual([expect.stringMatching(/^the scan cache could not be written \((EEXIST|ENOTDIR)\)/)]);
  });

  it('tells the scanner\'s code apart by size and modification time', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build', 'a.js'), 'one');
    const before = contentsDigest(dir, ['build'], () => true, 'stat');
    utimesSync(join(dir, 'build', 'a.js'), new Date('2020-01-01'), new Date('2020-01-01'));
    expect(contentsDigest(dir, ['build'], () => true, 'stat')).not.toBe(before);
  });
});

describe('the outcome cache of the engine', () => {
  it('stores no outcome for a file that changed between its lookup and the file pass', async () => {
    const { openCache } = await import('../../lib/scan/outcome-cache.js');
    const { testConfig } = await import('../support/scan.js');
    const dir = tempDir();
    const file = join(dir, 'cache');
    const config = testConfig();
    const options = { cwd: dir, rules: [], config, cache: file };
    // More files than the lookup keeps the bytes of: the pass reads each again.
    const versions = new Map<string, number>();
    const sources = Array.from({ length: 450 }, (_, i) => ({
      path: `f${i}.yaml`,
      size: 10,
      read: () => {
        const n = (versions.get(`f${i}`) ?? 0) + 1;
        versions.set(`f${i}`, n);
        // f7 is edited after its lookup read it; the others read the same twice.
        return Buffer.from(i === 7 && n > 1 ? 'k: edited\n' : 'k: v\n');
      },
    }));
    const cache = openCache(options, '2026-06-01', undefined);
    const found = await cache.lookUp(sources, new Set(sources.map((f) => f.path)), { loaded: false }, async () => {});
    expect(found.size).toBe(0);
    const outcome = { read: true, wanted: 0, documents: 1, parsedDocuments: 1, findings: [], warnings: [], suppressing: [], inline: [], summaries: [] };
    for (const src of sources) {
      cache.withBytes(src).read();
      await cache.remember([src], [outcome], () => false);
    }
    cache.save(() => {});
    const again = openCache(options, '2026-06-01', undefined);
    // f7 is back to the bytes it was looked up by: what was made of the edited bytes must not be found.
    const stable = sources.map((s) => ({ ...s, read: () => Buffer.from('k: v\n') }));
    const hits = await again.lookUp(stable, new Set(stable.map((f) => f.path)), { loaded: false }, async () => {});
    expect(hits.size).toBe(449);
    expect(hits.has(7)).toBe(false);
  });
});

describe('scan --cache across scopes', () => {
  it('keeps two alternating scans found, and lets an older scope go after two writing runs', async () => {
    const dir = project();
    const cache = join(dir, 'cache');
    // A scope per configuration (its bytes are in the scope).
    const run = async (scope: string) => {
      writeFileSync(join(dir, 'secretops.config.yaml'), `apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nrules:\n  unknown-secret-store: warning # ${scope}\n`);
      await scanOf(dir, { cache });
      return counts();
    };
    expect((await run('a')).hits).toBe(0);
    expect((await run('b')).hits).toBe(0);
    // Alternating: each finds its own entries.
    expect((await run('a')).misses).toBe(0);
    expect((await run('b')).misses).toBe(0);
    const size = readFileSync(cache).length;
    // Two more scopes write: the first two are dropped, and the file does not grow without end.
    await run('c');
    await run('d');
    await run('e');
    expect((await run('a')).hits).toBe(0);
    expect(readFileSync(cache).length).toBeLessThanOrEqual(size);
  });
});
