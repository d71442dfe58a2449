import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tmp';

/**
 * The layers of docs/architecture.md, lowest first. A module may import its own folder and any folder
 * of a LOWER layer, never one beside it or above it, so imports run one way and no two folders
 * import each other. A new folder must be placed here before it can import anything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['lib/detect'], // pure detectors of secret shapes (token formats, entropy, PEM, base64, access-key shape): import nothing outside their folder
  ['lib', 'lib/imports'], // foundation: errors, yaml-source, duration, text-table, version, ...; generated ESO bindings
  ['lib/catalog', 'lib/audit', 'lib/kube'], // the services.yaml contract and its facts; audit log; kubeconfig
  ['lib/resolver'], // the one secret resolver
  ['lib/project'], // the one project loader: catalog + fixtures + resolver
  ['lib/bootstrap', 'lib/readiness'], // Vault bootstrap scripts and plans; readiness gate script
  ['lib/constructs'], // cdk8s constructs
  ['charts', 'lib/scan', 'lib/access-keys'], // charts; the scanner engine; run-scoped access keys
  ['lib/synthesis', 'lib/smoke', 'lib/sync', 'lib/rollout'], // synth as a closed layer (entry inside); readiness checks; secret sync; rollout simulation
  ['policies', 'lib/report'], // guardrail rules and their helpers; the policy report
  ['lib/mcp'], // the MCP server
  ['lib/cli'], // command bodies (lib/cli/commands/) over a small terminal module
  ['main.ts'], // wiring for `cdk8s synth`
];

const SOURCE_ROOTS = ['main.ts', 'lib', 'charts', 'policies'];

function sourceFiles(path: string): string[] {
  const abs = join(REPO_ROOT, path);
  if (statSync(abs).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(abs)
    .sort()
    .flatMap((name) => (name === 'cases' ? [] : sourceFiles(`${path}/${name}`)))
    .filter((f) => !f.endsWith('.test.ts'));
}

/** The layer folder a repository path belongs to: `lib/x/y.ts` -> `lib/x`, `lib/errors.ts` -> `lib`, `policies/a/b.ts` -> `policies`. */
export function layerFolder(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'lib') return parts.length > 2 ? `lib/${parts[1]}` : 'lib';
  return parts.length > 1 ? parts[0]! : path;
}

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly spec: string;
}

/** Every relative import (static, type-only, re-export and dynamic `import()`) of the source files, as repository paths. */
export function importEdges(files: readonly string[] = SOURCE_ROOTS.flatMap(sourceFiles)): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(join(REPO_ROOT, from), 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) continue;
      const to = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(from), spec.replace(/\.js$/, '')));
      edges.push({ from, to, spec });
    }
  }
  return edges;
}

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

/** What is wrong with one import; undefined when it runs the allowed way. */
export function layerViolation(edge: ImportEdge): string | undefined {
  const a = layerFolder(edge.from);
  const b = layerFolder(edge.to);
  if (a === b) return undefined;
  const ra = rank.get(a);
  const rb = rank.get(b);
  if (ra === undefined) return `${edge.from}: folder ${a} is in no layer; place it in LAYERS (test/architecture/layers.test.ts) and docs/architecture.md`;
  if (rb === undefined) return `${edge.from} imports ${edge.spec}: folder ${b} is in no layer`;
  if (b === 'charts' && a !== 'lib/synthesis') return `${edge.from} imports ${edge.spec}: only lib/synthesis composes charts`;
  if (rb >= ra) return `${edge.from} imports ${edge.spec}: ${a} (layer ${ra}) may not import ${b} (layer ${rb}); move the shared piece down, or the caller up`;
  return undefined;
}

describe('imports run one way', () => {
  const edges = importEdges();

  it('reads the imports it checks', () => {
    // Guards the test itself: a parser that saw nothing would pass everything.
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'lib/cli/commands/scan.ts', to: 'lib/cli/commands/scan-run' }));
  });

  it('every import goes to its own folder or a lower layer', () => {
    expect(edges.map(layerViolation).filter((v) => v !== undefined)).toEqual([]);
  });

  it('no two folders import each other', () => {
    const pairs = new Set(edges.map((e) => `${layerFolder(e.from)} -> ${layerFolder(e.to)}`));
    const cycles = [...pairs].filter((p) => {
      const [a, b] = p.split(' -> ');
      return a !== b && pairs.has(`${b} -> ${a}`);
    });
    expect(cycles).toEqual([]);
  });

  it('flags the imports this layering removed', () => {
    // The detours of issue 14, as they were: each must be refused.
    const refused = [
      { from: 'lib/catalog/load.ts', spec: '../resolver/resolver', to: 'lib/resolver/resolver' },
      { from: 'lib/catalog/validate.ts', spec: '../access-keys/ttl', to: 'lib/access-keys/ttl' },
      { from: 'lib/scan/cli-run.ts', spec: '../../policies', to: 'policies' },
      { from: 'lib/resolver/format.ts', spec: '../cli/table', to: 'lib/cli/table' },
      { from: 'lib/synth.ts', spec: './synthesis/plan', to: 'lib/synthesis/plan' },
      { from: 'charts/secrets-chart.ts', spec: '../lib/synthesis/plan', to: 'lib/synthesis/plan' },
      { from: 'lib/report/model.ts', spec: '../../charts/secrets-chart', to: 'charts/secrets-chart' },
      { from: 'lib/made-up/x.ts', spec: '../errors', to: 'lib/errors' },
    ];
    for (const e of refused) expect(layerViolation(e), e.from).toBeDefined();
    expect(layerViolation({ from: 'lib/cli/commands/scan-run.ts', spec: '../../../policies', to: 'policies' })).toBeUndefined();
  });
});

describe('the layer table matches the tree', () => {
  it('places every source folder', () => {
    const folders = new Set(SOURCE_ROOTS.flatMap(sourceFiles).map(layerFolder));
    expect([...folders].filter((f) => !rank.has(f))).toEqual([]);
  });

  it('names every layer folder in docs/architecture.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/architecture.md'), 'utf8');
    expect(LAYERS.flat().filter((f) => f !== 'lib' && !doc.includes(f))).toEqual([]);
  });

  it("names every lib/ folder and top-level source folder in README's Layout", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('```', readme.indexOf('```', readme.indexOf('## Layout')) + 3));
    const libFolders = readdirSync(join(REPO_ROOT, 'lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${d.name}/`);
    expect(libFolders.length).toBeGreaterThan(10);
    expect([...libFolders, 'charts/', 'policies/', 'helpers/'].filter((f) => !new RegExp(`(^|\\s)${f}`, 'm').test(layout))).toEqual([]);
  });
});
