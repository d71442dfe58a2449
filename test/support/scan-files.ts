import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialKeyMatcher } from '../../lib/credential-like';
import { loadProject } from '../../lib/project/load';
import type { Project } from '../../lib/project/load';
import { parseFile, readFileAs } from '../../lib/scan/parse';
import { runRules } from '../../lib/scan/run-rules';
import type { Finding, ManifestDocument, Rule, RuleContext, ScanFile } from '../../lib/scan/types';
import { REPO_ROOT } from './tmp';

/**
 * Runs rules over several in-memory files at once, the way the engine hands cross-object rules
 * everything scanned. A parse problem throws, so a broken case cannot pass as "no findings".
 */
export interface ScanFilesOptions {
  readonly project?: Project;
  readonly cwd?: string;
  readonly roots?: readonly string[];
  readonly staged?: boolean;
  readonly options?: Readonly<Record<string, unknown>>;
  /** Marks these paths as Helm chart values files. */
  readonly helmValues?: readonly string[];
  /**
   * Hand rules only the documents some rule's `interest` matches, as the engine's fast path does.
   * @default true
   */
  readonly fastPath?: boolean;
}

export async function scanFiles(rules: Rule | readonly Rule[], files: Readonly<Record<string, string>>, opts: ScanFilesOptions = {}): Promise<Finding[]> {
  const scanFilesList: ScanFile[] = [];
  const docs: ManifestDocument[] = [];
  for (const [path, text] of Object.entries(files)) {
    const read = readFileAs(path, text) ?? { kind: 'text' as const, text };
    const kind = read.kind;
    const file: ScanFile = { path, text: read.text, kind, ...(opts.helmValues?.includes(path) ? { helmValues: true } : {}) };
    scanFilesList.push(file);
    if (kind === 'helm-template' || kind === 'text') continue;
    const parsed = parseFile(file);
    if (parsed.problems.length > 0) throw new Error(`${path}:${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}`);
    docs.push(...parsed.docs);
  }
  const context: RuleContext = {
    isCredentialKey: credentialKeyMatcher(),
    cwd: opts.cwd ?? process.cwd(),
    options: opts.options ?? {},
    ...(opts.project ? { project: opts.project } : {}),
    ...(opts.roots ? { roots: opts.roots } : {}),
    ...(opts.staged ? { staged: true } : {}),
  };
  const list: readonly Rule[] = Array.isArray(rules) ? rules : [rules as Rule];
  const interests = list.map((r) => r.meta.interest);
  const wanted = opts.fastPath === false || interests.some((i) => i === undefined) ? docs : docs.filter((d) => interests.some((i) => i!.test(d.text)));
  return runRules({ rules: list, files: scanFilesList, docs: wanted, context });
}

/** The `cases/ng.*.yaml` and `cases/ok.*.yaml` files of a policy folder, as `[name, text]`. */
export function policyCases(policyDir: string): { ng: [string, string][]; ok: [string, string][] } {
  const dir = join(policyDir, 'cases');
  const names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  const read = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => [`cases/${n}`, readFileSync(join(dir, n), 'utf8')] as [string, string]);
  return { ng: read('ng.'), ok: read('ok.') };
}

let example: Project | undefined;

/** The example catalog, loaded once per test file. */
export function exampleProject(): Project {
  example ??= loadExampleProject();
  return example;
}

/** The example catalog and fixtures, loaded read-only from the repository. */
export function loadExampleProject(): Project {
  return loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
}

/** A small catalog with production, ai (2 slots) and dev, project/user secrets, a bypass path and a singleton. */
export const MINI_PROJECT = join(REPO_ROOT, 'test', 'fixtures', 'mini-project');

export function loadMiniProject(): Project {
  return loadProject({ servicesFile: join(MINI_PROJECT, 'services.yaml') });
}
