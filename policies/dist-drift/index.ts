import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../lib/errors';
import { scanPath } from '../../lib/scan/locate';
import type { ManifestDocument, Rule, RuleContext, RuleReport } from '../../lib/scan/types';
import { synthesizeCatalog, SynthOptions } from '../../lib/synth';

/**
 * Argo CD deploys the committed `dist/`, not the catalog. When someone edits the catalog and forgets
 * to synthesize, or edits `dist/` by hand, the cluster runs something nobody reviewed as catalog
 * change. This rule synthesizes the catalog into a temporary folder and compares it with the
 * committed output file by file and byte by byte. It names files and line numbers, never contents.
 */
export type Synthesize = (opts: SynthOptions) => void | Promise<void>;

export const DEFAULT_DIST_DIR = 'dist';

export function createDistDriftRule(synthesize: Synthesize = synthesizeCatalog): Rule {
  return {
    meta: {
      id: 'dist-drift',
      description: 'The committed dist/ differs from a fresh synth of the catalog: files added, missing or changed.',
      remediation: 'Run `npx cdk8s synth` (or `secretops synth`) and commit the result; change the catalog rather than editing dist/ by hand.',
      defaultSeverity: 'error',
      docs: 'policies/dist-drift/README.md',
      scope: 'project',
    },
    async checkProject(docs, ctx, report) {
      const project = ctx.project;
      if (!project) return;
      const servicesFile = resolve(project.source.file);
      const distDir = typeof ctx.options.dist === 'string' ? resolve(ctx.cwd, ctx.options.dist) : join(dirname(servicesFile), DEFAULT_DIST_DIR);
      const distRel = scanPath(ctx.cwd, distDir);
      const scopes = comparedScopes(distRel, ctx, docs);
      if (scopes.length === 0) return;
      const inScope = (rel: string) => scopes.some((s) => s === '' || rel === s || rel.startsWith(`${s}/`));

      const fresh = mkdtempSync(join(tmpdir(), 'secretops-dist-drift-'));
      try {
        try {
          // Synth names the catalog relative to its working directory: the scan's, as in CI and hooks.
          await synthesize({ servicesFile, fixturesDir: project.fixtures.dir, outdir: fresh, cwd: ctx.cwd });
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          report({
            file: { path: scanPath(ctx.cwd, servicesFile), text: '', kind: 'yaml' },
            position: { line: 1, column: 1 },
            message: `cannot compare ${distRel}/ with a fresh synth: the catalog does not synthesize (run \`secretops validate\`)`,
          });
          return;
        }
        const scanned = new Map(docs.map((d) => [d.file.path, d.file.text]));
        const expected = listFiles(fresh).filter((p) => inScope(`${distRel}/${p}`));
        const committed = listFiles(distDir).filter((p) => inScope(`${distRel}/${p}`));
        const expectedSet = new Set(expected);
        const committedSet = new Set(committed);
        const at = (p: string, line = 1): Pick<RuleReport, 'file' | 'position'> => ({ file: { path: `${distRel}/${p}`, text: '', kind: 'yaml' }, position: { line, column: 1 } });
        for (const p of [...new Set([...expected, ...committed])].sort()) {
          if (!committedSet.has(p)) {
            report({ ...at(p), message: `${distRel}/${p} is missing: a fresh synth of the catalog writes it` });
          } else if (!expectedSet.has(p)) {
            report({ ...at(p), message: `${distRel}/${p} is not produced by a fresh synth of the catalog (stale or edited by hand)` });
          } else {
            // In a --staged scan the scanned text is the staged one: compare what would be committed.
            const mine = scanned.get(`${distRel}/${p}`);
            const ours = mine !== undefined ? Buffer.from(mine, 'utf8') : readFileSync(join(distDir, p));
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

export const rule = createDistDriftRule();

/**
 * Which parts of dist/ the scan covers, relative to the working directory (`''` for everything):
 * dist/ itself when a scanned root contains it, a subtree when a root lies inside it. Without
 * roots, dist/ counts as scanned when documents from it were handed over.
 */
export function comparedScopes(distRel: string, ctx: Pick<RuleContext, 'roots'>, docs: readonly ManifestDocument[]): string[] {
  const roots = ctx.roots ?? (docs.some((d) => d.file.path.startsWith(`${distRel}/`)) ? [distRel] : []);
  const out: string[] = [];
  for (const raw of roots) {
    const r = raw.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (r === '' || r === distRel || distRel.startsWith(`${r}/`)) out.push(distRel);
    else if (r.startsWith(`${distRel}/`)) out.push(r);
  }
  return [...new Set(out)];
}

/** Regular files under `dir`, relative and `/`-separated, sorted; symlinks are not followed. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const st = lstatSync(join(abs, name));
      const r = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) walk(join(abs, name), r);
      else if (st.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out;
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

export default rule;
