import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { machine, round, writeSection } from './results';
import { obtainSecretlint } from './secretlint';

/**
 * `npm run bench:scan [CORPUS]`: times `secretops scan` (the compiled CLI, as users run it) against
 * its baselines measured in the same run, interleaved (each round runs every variant once, so all
 * see the same load): secretlint 13 with the recommended preset on the same files, and the floor
 * (walk the tree, read every file, run a few token regexes, in one Node process). Trees: the
 * real-world corpus, that corpus replicated 20x, and replicated to about 100,000 documents; then
 * `scan --staged` with 20 staged files against `node -e ""`. Prints every figure next to its
 * baseline and writes them to bench/results.json (section "scan"). Asserts nothing.
 *
 * The corpus defaults to ../shared/corpora/realworld (the benchmark may read it; tests may not).
 */

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'secretops.js');
const SECRETLINT = obtainSecretlint(ROOT);
const TARGET_DOCUMENTS = 100_000;
/** Rounds on the real-world corpus, and on the replicated trees (each round of those takes minutes on a busy machine). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUNS_LARGE = Number(process.env.BENCH_RUNS_LARGE ?? 1);
const EXTENSIONS = /\.(ya?ml|json|tpl|gotmpl)$/i;

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

/** Runs a command once, measuring wall-clock time and (with GNU time) CPU time and peak RSS. */
function measure(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Measured {
  const start = process.hrtime.bigint();
  const opts = { cwd, encoding: 'utf8' as const, maxBuffer: 1 << 30, env: { ...process.env, ...env } };
  const r = GNU_TIME ? spawnSync(GNU_TIME, ['-f', '%M %U %S', cmd, ...args], opts) : spawnSync(cmd, args, opts);
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

interface Variant {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Run before each measured run of this variant (not timed). */
  readonly before?: () => void;
}

interface Summary {
  /** Medians over the rounds; the peak is the highest seen. */
  readonly wallS: number;
  readonly cpuS?: number;
  readonly peakMb?: number;
  readonly exit: number;
  readonly stdout: string;
}

/** Every variant once per round, `runs` rounds: interleaved, so load changes hit all alike. */
function interleaved(variants: readonly Variant[], cwd: string, runs: number): Map<string, Summary> {
  const all = new Map<string, Measured[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      v.before?.();
      all.get(v.name)!.push(measure(v.cmd, v.args, cwd, v.env));
    }
  }
  return new Map(
    [...all].map(([name, ms]) => {
      const cpus = ms.map((m) => m.cpu).filter((c): c is number => c !== undefined);
      const peaks = ms.map((m) => m.peakMb).filter((p): p is number => p !== undefined);
      return [name, { wallS: median(ms.map((m) => m.seconds)), ...(cpus.length ? { cpuS: median(cpus) } : {}), ...(peaks.length ? { peakMb: Math.max(...peaks) } : {}), exit: ms[0]!.code, stdout: ms[ms.length - 1]!.stdout }];
    }),
  );
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A throw-away git repository holding `copies` copies of `files` (hard links; git makes both tools see the same set). */
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

/**
 * The floor: what any scanner of these files must at least do, in one Node process: walk the tree,
 * read every file, run a few token regexes (GitHub and AWS tokens, private keys, password fields).
 */
const FLOOR = `
const fs = require('fs'), path = require('path');
const re = /gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|passw(?:or)?d\\s*[:=]/gi;
let hits = 0;
for (const f of fs.readdirSync('.', { recursive: true })) {
  if (!${EXTENSIONS}.test(f) || f.startsWith('.git/')) continue;
  const t = fs.readFileSync(f, 'utf8');
  re.lastIndex = 0;
  while (re.exec(t)) hits++;
}
console.log(hits);
`;

interface TreeFigures {
  readonly label: string;
  readonly figures: Record<string, unknown>;
}

function compare(label: string, dir: string, files: readonly string[], runs: number): TreeFigures {
  const fastConfig = join(tmpdir(), `secretops-bench-fast-${process.pid}.yaml`);
  writeFileSync(fastConfig, 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nrules:\n  parse-error:\n    options:\n      everyDocument: false\n');
  const slConfig = join(dir, '.secretlintrc.bench.json');
  writeFileSync(slConfig, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const scanArgs = [BIN, 'scan', '--format', 'json', '.'];
  // --cache: one cache of the unchanged tree (filled once before the rounds), one where a file
  // gets a new comment line before each run (the commit-after-commit case: one file read again).
  const cacheDir = mkdtempSync(join(tmpdir(), 'secretops-bench-cache-'));
  const cached = (name: string) => [BIN, 'scan', '--format', 'json', '--cache-location', join(cacheDir, name), '.'];
  const edited = join(dir, files.find((f) => /\.ya?ml$/.test(f) && !/templates\//.test(f))!);
  const original = readFileSync(edited);
  let edits = 0;
  const editOne = () => {
    // Replaced, not written through: the tree's files are hard links to the corpus.
    rmSync(edited);
    writeFileSync(edited, Buffer.concat([original, Buffer.from(`\n# benchmark edit ${++edits}\n`)]));
  };
  for (const name of ['unchanged', 'edited']) measure('node', cached(name), dir);
  const variants: Variant[] = [
    { name: 'secretops scan', cmd: 'node', args: scanArgs },
    { name: 'secretops scan, one thread', cmd: 'node', args: scanArgs, env: { SECRETOPS_SCAN_THREADS: '1' } },
    { name: 'secretops scan, parse-error everyDocument: false', cmd: 'node', args: [BIN, 'scan', '--format', 'json', '--config', fastConfig, '.'] },
    // A glob over the same extensions, as secretlint's users run it; it reads the same files. Its
    // `json` format embeds every file's content (a 550 MB string overflows V8), hence `compact`.
    { name: 'secretlint 13 + preset-recommend', cmd: 'node', args: [SECRETLINT, '--secretlintrc', slConfig, '--format', 'compact', '**/*.{yaml,yml,json,tpl,gotmpl}'] },
    { name: 'floor (walk, read, token regexes)', cmd: 'node', args: ['-e', FLOOR] },
    { name: 'secretops scan --cache, unchanged tree', cmd: 'node', args: cached('unchanged') },
    { name: 'secretops scan --cache, one file changed', cmd: 'node', args: cached('edited'), before: editOne },
  ];
  const load = loadavg();
  const r = interleaved(variants, dir, runs);
  rmSync(fastConfig);
  rmSync(slConfig);
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(edited);
  writeFileSync(edited, original);
  const ours = r.get('secretops scan')!;
  if (ours.exit !== 0 && ours.exit !== 1) throw new Error(`secretops scan exited ${ours.exit}`);
  const stats = JSON.parse(ours.stdout).stats as { files: number; documents: number; parsedDocuments: number; bytes: number };
  const fastStats = JSON.parse(r.get('secretops scan, parse-error everyDocument: false')!.stdout).stats as { parsedDocuments: number };
  const theirs = r.get('secretlint 13 + preset-recommend')!;
  const floor = r.get('floor (walk, read, token regexes)')!;
  const one = r.get('secretops scan, one thread')!;
  const mb = stats.bytes / 1024 / 1024;
  const ratio = (a: Summary, b: Summary) => ({ wall: round(a.wallS / b.wallS), ...(a.cpuS !== undefined && b.cpuS ? { cpu: round(a.cpuS / b.cpuS) } : {}) });
  const figures: Record<string, unknown> = {
    files: stats.files,
    documents: stats.documents,
    'documents parsed (default / everyDocument: false)': [stats.parsedDocuments, fastStats.parsedDocuments],
    megabytes: round(mb, 1),
    rounds: runs,
    ...Object.fromEntries([...r].map(([name, s]) => [name, { 'wall s': round(s.wallS), ...(s.cpuS !== undefined ? { 'cpu s': round(s.cpuS) } : {}), ...(s.peakMb !== undefined ? { 'peak MB': Math.round(s.peakMb) } : {}), exit: s.exit }])),
    'secretops / secretlint (goal <= 0.2 by wall time)': ratio(ours, theirs),
    'secretops everyDocument: false / secretlint': ratio(r.get('secretops scan, parse-error everyDocument: false')!, theirs),
    'secretops --cache, unchanged tree / secretlint': ratio(r.get('secretops scan --cache, unchanged tree')!, theirs),
    'secretops --cache, one file changed / secretlint': ratio(r.get('secretops scan --cache, one file changed')!, theirs),
    'secretops --cache, unchanged tree / floor': ratio(r.get('secretops scan --cache, unchanged tree')!, floor),
    'secretops / floor': ratio(ours, floor),
    'secretlint / floor': ratio(theirs, floor),
    'threads: default / one thread': ratio(ours, one),
    '--cache output byte-identical to a scan without it': r.get('secretops scan --cache, unchanged tree')!.stdout === ours.stdout,
    'load average (1 min) before': round(load[0]!),
  };
  console.log(`\n## ${label}`);
  console.log(`files ${stats.files}, documents ${stats.documents} (${stats.parsedDocuments} parsed; ${fastStats.parsedDocuments} with everyDocument: false), ${mb.toFixed(1)} MB, ${runs} interleaved round(s), medians`);
  for (const [name, s] of r) {
    console.log(`${name.padEnd(50)} ${s.wallS.toFixed(2)} s wall, ${s.cpuS?.toFixed(2) ?? '?'} s cpu, ${(mb / s.wallS).toFixed(1)} MB/s, peak ${s.peakMb?.toFixed(0) ?? '?'} MB (exit ${s.exit})`);
  }
  for (const [k, v] of Object.entries(figures)) if (k.includes(' / ')) console.log(`${k.padEnd(50)} ${JSON.stringify(v)}`);
  console.log(`${'secretops peak memory (goal < 300 MB)'.padEnd(50)} ${ours.peakMb?.toFixed(0) ?? '?'} MB, one thread ${one.peakMb?.toFixed(0) ?? '?'} MB`);
  return { label, figures };
}

function staged(corpus: string, files: readonly string[]): TreeFigures {
  const twenty = files.filter((f) => !/templates\//.test(f)).slice(0, 20);
  const dir = gitTree(corpus, twenty, 1);
  try {
    execFileSync('git', ['add', '-A'], { cwd: dir });
    const n = Math.max(RUNS * 2, 11);
    const r = interleaved(
      [
        { name: 'secretops scan --staged', cmd: 'node', args: [BIN, 'scan', '--staged'] },
        { name: 'node -e ""', cmd: 'node', args: ['-e', ''] },
      ],
      dir,
      n,
    );
    const s = r.get('secretops scan --staged')!;
    const e = r.get('node -e ""')!;
    console.log('\n## scan --staged, 20 staged files');
    console.log(`secretops scan --staged   ${(s.wallS * 1000).toFixed(0)} ms wall, ${((s.cpuS ?? 0) * 1000).toFixed(0)} ms cpu (median of ${n})`);
    console.log(`node -e ""                ${(e.wallS * 1000).toFixed(0)} ms wall, ${((e.cpuS ?? 0) * 1000).toFixed(0)} ms cpu (median of ${n})`);
    console.log(`ratio                     ${(s.wallS / e.wallS).toFixed(2)}x by wall time (goal <= 4x)`);
    return {
      label: 'scan --staged, 20 staged files',
      figures: {
        rounds: n,
        'secretops scan --staged': { 'wall ms': Math.round(s.wallS * 1000), 'cpu ms': Math.round((s.cpuS ?? 0) * 1000) },
        'node -e ""': { 'wall ms': Math.round(e.wallS * 1000), 'cpu ms': Math.round((e.cpuS ?? 0) * 1000) },
        'secretops / node -e "" (goal <= 4 by wall time)': { wall: round(s.wallS / e.wallS), ...(s.cpuS && e.cpuS ? { cpu: round(s.cpuS / e.cpuS) } : {}) },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  // ../shared from the main checkout; worktrees sit one level deeper.
  const fallback = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].map((d) => join(d, 'corpora', 'realworld')).find(existsSync);
  const corpus = resolve(process.argv[2] ?? process.env.SECRETOPS_BENCH_CORPUS ?? fallback ?? join(ROOT, '..', 'shared', 'corpora', 'realworld'));
  if (!existsSync(BIN) || !existsSync(join(ROOT, 'build', 'lib', 'cli', 'main.js'))) throw new Error('build the CLI first: npm run build');
  if (!existsSync(corpus)) throw new Error(`corpus not found: ${corpus} (pass a folder of manifests)`);
  const files = corpusFiles(corpus);
  const loadBefore = loadavg();
  console.log(`# secretops scan benchmark (node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')})`);
  console.log(`corpus ${corpus}`);
  const trees: TreeFigures[] = [];
  const real = gitTree(corpus, files, 1);
  try {
    trees.push(compare('real-world corpus', real, files, RUNS));
    const docs = Number(JSON.parse(measure('node', [BIN, 'scan', '--format', 'json', '.'], real).stdout).stats.documents);
    // BENCH_SCAN_QUICK=1: the real-world corpus and --staged only (a check of the script, minutes shorter).
    const replicas = process.env.BENCH_SCAN_QUICK ? [] : [20, Math.max(1, Math.round(TARGET_DOCUMENTS / Math.max(docs, 1)))];
    for (const copies of replicas) {
      const scaled = gitTree(corpus, files, copies);
      try {
        trees.push(compare(`replicated x${copies} (${(docs * copies).toLocaleString('en')} documents)`, scaled, copies > 1 ? files.map((f) => `copy-0/${f}`) : files, RUNS_LARGE));
      } finally {
        rmSync(scaled, { recursive: true, force: true });
      }
    }
    trees.push(staged(corpus, files));
  } finally {
    rmSync(real, { recursive: true, force: true });
  }
  const rules = readFileSync(join(ROOT, 'policies', 'index.ts'), 'utf8').match(/^\s{2}[a-zA-Z]+,$/gm)?.length ?? 0;
  console.log(`\n(${rules} rules in policies/index.ts at the time of this run)`);
  writeSection('scan', { machine: machine(loadBefore), rules, corpus: relative(ROOT, corpus), trees: Object.fromEntries(trees.map((t) => [t.label, t.figures])) });
}

main();
