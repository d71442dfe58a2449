import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { syntaxErrorMessage } from '../yaml-source';
import { ExitCode, UserError } from '../errors';
import { clipInput, quoteInput } from '../quote-input';

/**
 * What the rollout simulator reads from a synthesized `dist/`: per cluster, the ApplicationSet's
 * RollingSync steps and one Application per `component.json`, with the objects of its folder. Read
 * generically from the files (not from the synthesis plan), so the simulation checks what Argo CD
 * would actually be given.
 */

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** A RollingSync step's selector (`spec.strategy.rollingSync.steps[].matchExpressions`). */
export interface StepSelector {
  readonly key: string;
  readonly operator: 'In' | 'NotIn';
  readonly values: readonly string[];
}

export interface SimApplication {
  readonly name: string;
  /** Folder relative to `dist/`. */
  readonly dir: string;
  /** Labels of the generated Application (the template's, parameters filled in from component.json). */
  readonly labels: Readonly<Record<string, string>>;
  /** Destination namespace for namespaced objects that name none. */
  readonly namespace: string;
  readonly objects: readonly Manifest[];
}

export interface ClusterDist {
  readonly cluster: string;
  /** Undefined when the ApplicationSet has no RollingSync strategy (every Application syncs on its own). */
  readonly steps?: readonly (readonly StepSelector[])[];
  readonly applications: readonly SimApplication[];
  /** `argocd-cm` keys from `dist/_argocd/argocd-cm.yaml` (health customizations), if any. */
  readonly argocdConfig: Readonly<Record<string, string>>;
}

/** Every file under a `dist/` folder, relative path to text. */
export function readDistFolder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError({ file: dir, message: 'is not a folder of synthesized manifests', hint: 'pass --from-dist the dist/ folder that `secretops synth` wrote' }, ExitCode.usage);
  }
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) out.set(p, readFileSync(join(dir, p), 'utf8'));
    }
  };
  walk('');
  return out;
}

function parseYaml(file: string, text: string): Manifest[] {
  const out: Manifest[] = [];
  const lineCounter = new LineCounter();
  // prettyErrors off and the project's message: the parser's own message can quote the source line,
  // which in a folder of manifests may hold a secret.
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    const e = doc.errors[0];
    if (e) {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      throw new UserError({ file, line, column: col, message: `not valid YAML: ${syntaxErrorMessage(e, text)}`, hint: 'synthesize dist/ again (npx secretops synth)' });
    }
    const v = doc.toJS() as Manifest | null;
    if (v && typeof v === 'object') out.push(v);
  }
  return out;
}

/** Fills `{{ .key }}` and `{{ .path.path }}` the way the git files generator's goTemplate does for our template. */
function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*\.([\w.]+)\s*\}\}/g, (_, k: string) => params[k] ?? '');
}

/** The clusters that have an ApplicationSet in `files` (`_argocd/applicationset-<cluster>.yaml`). */
export function distClusters(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].map((f) => /^_argocd\/applicationset-(.+)\.yaml$/.exec(f)?.[1]).filter((c): c is string => c !== undefined).sort();
}

/**
 * One cluster's part of `dist/`. `repoPath` is where `dist/` sits in the repository (the
 * generator's file paths are relative to the repository root).
 */
export function readClusterDist(files: ReadonlyMap<string, string>, cluster: string, repoPath = 'dist'): ClusterDist {
  const appsetFile = `_argocd/applicationset-${cluster}.yaml`;
  const appsetText = files.get(appsetFile);
  if (appsetText === undefined) {
    // The file named is built from --cluster: echoed like any input (masked, clipped).
    throw new UserError({ file: `_argocd/applicationset-${clipInput(cluster)}.yaml`, message: `no ApplicationSet for cluster ${quoteInput(cluster)} in dist/`, hint: `--cluster must name a cluster of this dist/: ${distClusters(files).join(', ') || 'none'}` }, 2);
  }
  const appset = parseYaml(appsetFile, appsetText).find((m) => m.kind === 'ApplicationSet');
  const spec = (appset?.spec ?? {}) as {
    generators?: { git?: { files?: { path: string }[] } }[];
    strategy?: { type?: string; rollingSync?: { steps?: { matchExpressions?: StepSelector[] }[] } };
    template?: { metadata?: { name?: string; labels?: Record<string, string> }; spec?: { destination?: { namespace?: string } } };
  };
  const patterns = (spec.generators ?? []).flatMap((g) => g.git?.files ?? []).map((f) => f.path);
  const prefix = `${repoPath.replace(/\/$/, '')}/`;
  const matches = (repoFile: string) => patterns.some((p) => globToRegExp(p).test(repoFile));

  const descriptors = [...files.keys()].filter((f) => f.endsWith('/component.json') && matches(prefix + f)).sort();
  const applications: SimApplication[] = descriptors.map((descFile) => {
    const dir = descFile.slice(0, -'/component.json'.length);
    const params = JSON.parse(files.get(descFile)!) as Record<string, string>;
    const flat: Record<string, string> = { ...params, 'path.path': prefix + dir };
    const labels = Object.fromEntries(Object.entries(spec.template?.metadata?.labels ?? {}).map(([k, v]) => [k, fill(v, flat)]));
    const objects = [...files.keys()]
      .filter((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes('/') && /\.ya?ml$/.test(f))
      .sort()
      .flatMap((f) => parseYaml(f, files.get(f)!));
    return { name: fill(spec.template?.metadata?.name ?? '{{ .app }}', flat), dir, labels, namespace: fill(spec.template?.spec?.destination?.namespace ?? '', flat), objects };
  });

  const steps = spec.strategy?.type === 'RollingSync' ? (spec.strategy.rollingSync?.steps ?? []).map((s) => s.matchExpressions ?? []) : undefined;
  const cm = files.get('_argocd/argocd-cm.yaml');
  const argocdConfig = cm ? ((parseYaml('_argocd/argocd-cm.yaml', cm).find((m) => m.kind === 'ConfigMap')?.data as Record<string, string>) ?? {}) : {};
  return { cluster, ...(steps ? { steps } : {}), applications, argocdConfig };
}

/** The git files generator's glob (`**` any folders, `*` within one). */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '(?:.*/)?';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
