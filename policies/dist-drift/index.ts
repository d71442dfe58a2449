import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { Annotations, Labels, MANAGED_BY } from '../../lib/constructs/metadata';
import { DISK_FILES } from '../../lib/catalog/files';
import { UserError } from '../../lib/errors';
import { allObjects, displayName, isJson, KubeObject, ptr, refOf } from '../helpers/k8s/objects';
import { catalogDistDir, normaliseRoot, normaliseRoots, rootsContain, scanPath, touches } from '../../lib/scan/locate';
import type { ManifestDocument, Rule, RuleContext, RuleReport } from '../../lib/scan/types';
import type { SynthOptions } from '../../lib/synthesis/synthesize';

/** What the rule needs of synth: write the catalog's output into `outdir` (its return value is not used). */
export type Synthesize = (opts: SynthOptions) => unknown;

/** The real synth, loaded only when a comparison runs: cdk8s is heavy, and most scans (hooks) never need it. */
const synthesizeCatalog: Synthesize = async (opts) => (await import('../../lib/synthesis/synthesize.js')).synthesizeCatalog(opts);

/**
 * Argo CD deploys the committed `dist/`, not the catalog. When someone edits the catalog and forgets
 * to synthesize, or edits `dist/` by hand, the cluster runs something nobody reviewed as catalog
 * change. This rule synthesizes the catalog into a temporary folder and compares it with the
 * committed output file by file and byte by byte. Objects labelled as managed by secretops found
 * elsewhere in the scan (a copy of generated output, a single staged file) are compared object by
 * object. It names files, lines and fields, never contents.
 */
export function createDistDriftRule(synthesize: Synthesize = synthesizeCatalog): Rule {
  return {
    meta: {
      id: 'dist-drift',
      description: 'The committed dist/ differs from a fresh synth of the catalog: files added, missing or changed.',
      remediation: 'Run `npx cdk8s synth` (or `secretops synth`) and commit the result; change the catalog rather than editing dist/ by hand.',
      defaultSeverity: 'error',
      docs: 'policies/dist-drift/README.md',
      scope: 'project',
      // Generated objects carry `app.kubernetes.io/managed-by: secretops`; dist/ itself is compared on disk.
      interest: /managed-by["']?\s*:\s*["']?secretops\b/,
    },
    // Generated objects are compared whole with a fresh synth: the summary is the value itself
    // (the document's and file's texts are still not kept).
    summarize: (doc) => doc.value,
    async checkProject(docs, ctx, report) {
      const all = allObjects(docs).filter((o) => o.labels[Labels.managedBy] === MANAGED_BY);
      // With a cross-file context, generated objects read from unscanned files are dist/ itself
      // (compared file by file below), not copies elsewhere.
      const generated = ctx.scanned ? all.filter((o) => ctx.scanned!.has(o.doc.file.path)) : all;
      // Nothing generated scanned and no folder that could hold dist/: the catalog is not even loaded.
      if (generated.length === 0 && !mayHoldDist(ctx)) return;
      const project = ctx.project;
      if (!project) return;
      const servicesFile = resolve(project.source.file);
      const { abs: distDir, rel: distRel } = catalogDistDir(project, ctx.cwd, ctx.options.dist);
      const scopes = comparedScopes(distRel, ctx, docs);
      const inScope = (rel: string) => scopes.some((s) => s === '' || rel === s || rel.startsWith(`${s}/`));
      const generatedElsewhere = generated.filter((o) => !inScope(o.doc.file.path));
      if (scopes.length === 0 && generatedElsewhere.length === 0) return;

      const fresh = mkdtempSync(join(tmpdir(), 'secretops-dist-drift-'));
      try {
        try {
          // Synth names the catalog relative to its working directory: the scan's, as in CI and hooks.
          await synthesize({ servicesFile, fixturesDir: project.fixtures.dir, outdir: fresh, cwd: ctx.cwd, ...(project.files ? { files: project.files } : {}) });
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          report({
            file: { path: scanPath(ctx.cwd, servicesFile), text: '', kind: 'yaml' },
            position: { line: 1, column: 1 },
            message: `cannot compare ${distRel}/ with a fresh synth: the catalog does not synthesize (run \`secretops validate\`)`,
          });
          return;
        }
        if (generatedElsewhere.length > 0) compareObjects(generatedElsewhere, freshObjects(fresh), distRel, report);
        // A stale dist/ is the consequence of a catalog change: reported when the catalog is scanned
        // (a commit that edits services.yaml without synthesizing), not only when dist/ is.
        const dueTo = ctx.catalogInputs;
        if (scopes.length === 0) return;
        const scanned = new Map(docs.map((d) => [d.file.path, d.file.text]));
        const expected = DISK_FILES.list(fresh).filter((p) => inScope(`${distRel}/${p}`));
        // dist/ as the catalog was read: the working tree, or for a staged scan whose catalog is
        // read from the index, the index (the files the commit will have).
        const tree = project.files ?? DISK_FILES;
        const committed = tree.list(distDir).filter((p) => inScope(`${distRel}/${p}`));
        const expectedSet = new Set(expected);
        const committedSet = new Set(committed);
        const at = (p: string, line = 1): Pick<RuleReport, 'file' | 'position' | 'dueTo'> => ({ file: { path: `${distRel}/${p}`, text: '', kind: 'yaml' }, position: { line, column: 1 }, ...(dueTo ? { dueTo } : {}) });
        for (const p of [...new Set([...expected, ...committed])].sort()) {
          if (!committedSet.has(p)) {
            report({ ...at(p), message: `${distRel}/${p} is missing: a fresh synth of the catalog writes it` });
          } else if (!expectedSet.has(p)) {
            report({ ...at(p), message: `${distRel}/${p} is not produced by a fresh synth of the catalog (stale or edited by hand)` });
          } else {
            // In a --staged scan the scanned text is the staged one: compare what would be committed.
            const mine = scanned.get(`${distRel}/${p}`);
            const ours = mine !== undefined ? Buffer.from(mine, 'utf8') : (tree.read(join(distDir, p)) ?? Buffer.alloc(0));
            const theirs = readFileSync(join(fresh, p));
            if (ours.equals(theirs)) continue;
            report({ ...at(p, firstDifferentLine(ours, theirs)), message: `${distRel}/${p} differs from a fresh synth of the catalog (first difference at this line)` });
          }
        }
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
  };
}

export const distDrift = createDistDriftRule();

/**
 * Which parts of dist/ the scan covers, relative to the working directory (`''` for everything):
 * dist/ itself when a scanned root contains it, a subtree when a root lies inside it. Without
 * roots, dist/ counts as scanned when documents from it were handed over.
 */
export function comparedScopes(distRel: string, ctx: Pick<RuleContext, 'roots' | 'cwd' | 'staged' | 'scanned'>, docs: readonly ManifestDocument[]): string[] {
  // A staged scan without the index as context compares the dist/ files being committed only.
  if (ctx.staged && !ctx.scanned) return [...new Set(docs.map((d) => d.file.path).filter((p) => p.startsWith(`${distRel}/`)))];
  if (!ctx.roots && !docs.some((d) => d.file.path.startsWith(`${distRel}/`))) return [];
  const roots = ctx.roots ?? [distRel];
  const out: string[] = [];
  for (const r of normaliseRoots(roots, ctx.cwd)) {
    if (rootsContain([r], distRel)) out.push(distRel);
    else if (r.startsWith(`${distRel}/`)) out.push(r);
  }
  return [...new Set(out)];
}

/**
 * A working-tree scan of a folder may cover dist/ (a scan of single files, or a staged scan, does
 * not). With a cross-file context (a hook) dist/ is compared only when the scanned files touch it
 * or the catalog's inputs: a synth on every commit would make every hook slow.
 */
function mayHoldDist(ctx: RuleContext): boolean {
  if (ctx.scanned) {
    const inputs = ctx.catalogInputs ?? [];
    const distGuess = typeof ctx.options.dist === 'string' ? normaliseRoot(ctx.options.dist) : inputs[0] !== undefined ? posix.join(posix.dirname(inputs[0]), 'dist') : 'dist';
    return [...inputs, distGuess].some((p) => touches(ctx.scanned!, p));
  }
  if (!ctx.roots || ctx.staged) return false;
  return normaliseRoots(ctx.roots, ctx.cwd).some((r) => {
    try {
      return statSync(resolve(ctx.cwd, r || '.')).isDirectory();
    } catch {
      return false;
    }
  });
}

/** Which object a generated object is: kind, name, namespace and the cluster synth wrote it for. */
function identity(v: Record<string, unknown>): string {
  const meta = isJson(v.metadata) ? v.metadata : {};
  const annotations = isJson(meta.annotations) ? meta.annotations : {};
  return [v.apiVersion, v.kind, meta.namespace ?? '', meta.name ?? '', annotations[Annotations.cluster] ?? ''].map(String).join('\u0000');
}

/** Every object a fresh synth wrote, by identity. */
function freshObjects(dir: string): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const p of DISK_FILES.list(dir)) {
    if (!/\.ya?ml$/.test(p)) continue;
    for (const doc of (require('yaml') as typeof import('yaml')).parseAllDocuments(readFileSync(join(dir, p), 'utf8'))) {
      const v: unknown = doc.toJS();
      if (!isJson(v) || typeof v.kind !== 'string') continue;
      out.set(identity(v), [...(out.get(identity(v)) ?? []), v]);
    }
  }
  return out;
}

/** The first JSON pointer where two values differ, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = i < a.length && i < b.length ? firstDifference(a[i], b[i], ptr(at, i)) : ptr(at, i);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isJson(a) && isJson(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      const d = k in a && k in b ? firstDifference(a[k], b[k], ptr(at, k)) : ptr(at, k);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : at;
}

function compareObjects(objects: readonly KubeObject[], fresh: Map<string, Record<string, unknown>[]>, distRel: string, report: (r: RuleReport) => void): void {
  for (const o of objects) {
    const who = `${o.kind} "${displayName(o.name ?? '?', o.namespace)}"`;
    const candidates = fresh.get(identity(o.value)) ?? [];
    if (candidates.length === 0) {
      report({ doc: o.doc, pointer: ptr(o.at, 'metadata', 'name'), object: refOf(o), message: `${who} is labelled as generated by secretops, but a fresh synth of the catalog produces no such object (regenerate ${distRel}/ instead of copying it)` });
      continue;
    }
    const diffs = candidates.map((c) => firstDifference(o.value, c));
    if (diffs.some((d) => d === undefined)) continue;
    const field = diffs[0]!;
    report({ doc: o.doc, pointer: o.at + field, object: refOf(o), message: `${who} differs from the object a fresh synth of the catalog produces, first at ${field || 'the top'}` });
  }
}

/** 1-based line of the first byte that differs. */
function firstDifferentLine(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let line = 1;
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return line;
    if (a[i] === 0x0a) line++;
  }
  return line;
}

export default distDrift;
