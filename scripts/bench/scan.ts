import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { obtainSecretlint } from './secretlint';

/**
 * `npm run bench:scan [CORPUS]`: times `secretops scan` (the compiled CLI, as users run it) against
 * secretlint 13 with the recommended preset on the same files in the same run, on the real-world
 * corpus and on that corpus replicated to about 100,000 documents, and `scan --staged` with 20
 * staged files against `node -e ""`. Prints what it measured; asserts nothing (machines differ).
 *
 * The corpus defaults to ../shared/corpora/realworld (the benchmark may read it; tests may not).
 */

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'secretops.js');
const SECRETLINT = obtainSecretlint(ROOT);
const TARGET_DOCUMENTS = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Measured {
  readonly seconds: number;
  /** Peak resident set size of the child, in MB (undefined without GNU time). */
  readonly peakMb?: number;
  /** User + system CPU seconds of the child (undefined without GNU time): steadier than wall time on a busy machine. */
  readonly cpu?: number;
  readonly code: number;
  readonly stdout: string;
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command once, measuring wall-clock time and (with GNU time) the peak RSS. */
function measure(cmd: string, args: readonly string[], cwd: string): Measured {
  const start = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%M %U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const [kb, user, sys] = GNU_TIME ? (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number) : [];
  return {
    seconds,
    ...(kb !== undefined && Number.isFinite(kb) ? { peakMb: kb / 1024 } : {}),
    ...(user !== undefined && sys !== undefined && Number.isFinite(user + sys) ? { cpu: user + sys } : {}),
    code: r.status ?? -1,
    stdout: r.stdout,
  };
}

/** Best of `RUNS` (the least disturbed by other load on the machine), with the highest peak. */
function best(cmd: string, args: readonly string[], cwd: string): Measured {
  const runs = Array.from({ length: RUNS }, () => measure(cmd, args, cwd));
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const peaks = runs.map((r) => r.peakMb ?? 0);
  return { ...fastest, ...(GNU_TIME ? { peakMb: Math.max(...peaks) } : {}) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The files `secretops scan` read, from its own JSON output's stats and a walk of the same tree. */
function scannedFiles(dir: string): string[] {
  const out = execFileSync('git', ['ls-files', '--others', '--cached', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.split('\0').filter((f) => /\.(ya?ml|json|tpl|gotmpl)$/i.test(f));
}

/** A throw-away git repository holding a copy of `files` (git makes both tools see the same set). */
function gitTree(source: string, files: readonly string[], copies: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'secretops-bench-'));
  for (let c = 0; c < copies; c++) {
    for (const f of files) {
      const to = join(dir, copies > 1 ? `copy-${c}` : '', f);
      mkdirSync(dirname(to), { recursive: true });
      try {
        linkSync(join(source, f), to);
      } catch {
        copyFileSync(join(source, f), to);
      }
    }
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

function corpusFiles(corpus: string): string[] {
  const out = execFileSync('find', ['.', '-type', 'f', '(', '-name', '*.yaml', '-o', '-name', '*.yml', '-o', '-name', '*.json', '-o', '-name', '*.tpl', ')'], {
    cwd: corpus,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter(Boolean).map((f) => relative('.', f)).sort();
}

function secretlintConfig(dir: string): string {
  const file = join(dir, '.secretlintrc.bench.json');
  writeFileSync(file, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  return file;
}

function line(name: string, m: Measured, mb: number): string {
  const cpu = m.cpu !== undefined ? `, cpu ${m.cpu.toFixed(2)} s` : '';
  return `${name.padEnd(36)} ${m.seconds.toFixed(2)} s wall${cpu}, ${(mb / m.seconds).toFixed(1)} MB/s, peak ${m.peakMb?.toFixed(0) ?? '?'} MB (exit ${m.code})`;
}

function ratio(theirs: Measured, ours: Measured): string {
  const cpu = theirs.cpu !== undefined && ours.cpu !== undefined ? `, ${(theirs.cpu / ours.cpu).toFixed(2)}x by CPU time` : '';
  return `${(theirs.seconds / ours.seconds).toFixed(2)}x by wall time${cpu}`;
}

function compare(label: string, dir: string): void {
  const files = scannedFiles(dir);
  const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const ours = best('node', [BIN, 'scan', '--format', 'json', '.'], dir);
  if (ours.code !== 0 && ours.code !== 1) throw new Error(`secretops scan exited ${ours.code}`);
  const stats = JSON.parse(ours.stdout).stats as { files: number; documents: number; parsedDocuments: number };
  // The fast path in full: parse-error limited to the documents some rule reads.
  const fastConfig = join(tmpdir(), `secretops-bench-fast-${process.pid}.yaml`);
  writeFileSync(fastConfig, 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nrules:\n  parse-error:\n    options:\n      everyDocument: false\n');
  const fast = best('node', [BIN, 'scan', '--format', 'json', '--config', fastConfig, '.'], dir);
  rmSync(fastConfig);
  const fastStats = JSON.parse(fast.stdout).stats as { parsedDocuments: number };
  const config = secretlintConfig(dir);
  // A glob over the same extensions, as secretlint's users run it; it reads the same files. Its
  // `json` format embeds every file's content (a 550 MB string overflows V8), hence `compact`.
  const theirs = best('node', [SECRETLINT, '--secretlintrc', config, '--format', 'compact', '**/*.{yaml,yml,json,tpl,gotmpl}'], dir);
  rmSync(config);
  const mb = bytes / 1024 / 1024;
  console.log(`\n## ${label}`);
  console.log(`files                                ${stats.files} (of ${files.length} candidates)`);
  console.log(`documents                            ${stats.documents} (${stats.parsedDocuments} parsed; ${fastStats.parsedDocuments} with parse-error everyDocument: false)`);
  console.log(`size                                 ${mb.toFixed(1)} MB`);
  console.log(line('secretops scan (default)', ours, mb));
  console.log(line('secretops scan (everyDocument: false)', fast, mb));
  console.log(line('secretlint 13 + preset-recommend', theirs, mb));
  console.log(`speed-up (default)                   ${ratio(theirs, ours)} (goal >= 5x)`);
  console.log(`speed-up (everyDocument: false)      ${ratio(theirs, fast)}`);
  console.log(`secretops peak memory                ${ours.peakMb?.toFixed(0) ?? '?'} MB (goal < 300 MB)`);
}

function staged(corpus: string, files: readonly string[]): void {
  const twenty = files.filter((f) => !/templates\//.test(f)).slice(0, 20);
  const dir = gitTree(corpus, twenty, 1);
  execFileSync('git', ['add', '-A'], { cwd: dir });
  const n = Math.max(RUNS * 3, 9);
  const scanTimes = Array.from({ length: n }, () => measure('node', [BIN, 'scan', '--staged'], dir).seconds);
  const nodeTimes = Array.from({ length: n }, () => measure('node', ['-e', ''], dir).seconds);
  const s = median(scanTimes);
  const e = median(nodeTimes);
  console.log('\n## scan --staged, 20 staged files');
  console.log(`secretops scan --staged   ${(s * 1000).toFixed(0)} ms (median of ${n})`);
  console.log(`node -e ""                ${(e * 1000).toFixed(0)} ms (median of ${n})`);
  console.log(`ratio                     ${(s / e).toFixed(2)}x (goal <= 4x)`);
  rmSync(dir, { recursive: true, force: true });
}

function main(): void {
  // ../shared from the main checkout; worktrees sit one level deeper.
  const fallback = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].map((d) => join(d, 'corpora', 'realworld')).find(existsSync);
  const corpus = resolve(process.argv[2] ?? process.env.SECRETOPS_BENCH_CORPUS ?? fallback ?? join(ROOT, '..', 'shared', 'corpora', 'realworld'));
  if (!existsSync(BIN) || !existsSync(join(ROOT, 'build', 'lib', 'cli', 'main.js'))) throw new Error('build the CLI first: npm run build');
  if (!existsSync(corpus)) throw new Error(`corpus not found: ${corpus} (pass a folder of manifests)`);
  const files = corpusFiles(corpus);
  console.log(`# secretops scan benchmark (node ${process.version}, ${RUNS} runs each, best taken)`);
  console.log(`corpus ${corpus}`);

  const real = gitTree(corpus, files, 1);
  try {
    compare('real-world corpus', real);
    const docs = Number(JSON.parse(measure('node', [BIN, 'scan', '--format', 'json', '.'], real).stdout).stats.documents);
    const copies = Math.max(1, Math.round(TARGET_DOCUMENTS / Math.max(docs, 1)));
    const scaled = gitTree(corpus, files, copies);
    try {
      compare(`replicated x${copies} (about ${TARGET_DOCUMENTS.toLocaleString('en')} documents)`, scaled);
    } finally {
      rmSync(scaled, { recursive: true, force: true });
    }
    staged(corpus, files);
  } finally {
    rmSync(real, { recursive: true, force: true });
  }
  const rules = readFileSync(join(ROOT, 'policies', 'index.ts'), 'utf8').match(/^\s{2}[a-zA-Z]+,$/gm)?.length ?? 0;
  console.log(`\n(${rules} rules in policies/index.ts at the time of this run)`);
}

main();
