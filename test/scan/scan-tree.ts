import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { credentialKeyMatcher } from '../../lib/credential-like';
import { parseFile, readFileAs } from '../../lib/scan/parse';
import { runRules } from '../../lib/scan/run-rules';
import type { Finding, ManifestDocument, Rule, ScanFile } from '../../lib/scan/types';

/**
 * A minimal stand-in for the scanner engine, for suites that run rules over whole trees: reads
 * every file the scanner would read, marks chart values files, parses what parses (parse problems
 * belong to `parse-error`, not to these rules) and applies the rules' interest prefilter.
 */
export async function scanTree(root: string, rules: readonly Rule[], paths: readonly string[] = ['.']): Promise<{ findings: Finding[]; files: number; docs: number }> {
  const files: ScanFile[] = [];
  const docs: ManifestDocument[] = [];
  for (const abs of paths.flatMap((p) => [...walk(join(root, p))])) {
    const path = relative(root, abs).split('\\').join('/');
    const read = readFileAs(path, readFileSync(abs, 'utf8'));
    if (!read) continue;
    const { kind, text } = read;
    const base = path.slice(path.lastIndexOf('/') + 1);
    const helmValues = /^values[^/]*\.ya?ml$/i.test(base) && existsSync(join(dirname(abs), 'Chart.yaml'));
    const file: ScanFile = { path, text, kind, ...(helmValues ? { helmValues } : {}) };
    files.push(file);
    if (kind === 'yaml' || kind === 'json') docs.push(...parseFile(file).docs);
  }
  const findings = await runRules({ rules, files, docs, context: { isCredentialKey: credentialKeyMatcher(), cwd: root, options: {} } });
  return { findings, files: files.length, docs: docs.length };
}

function* walk(dir: string): Generator<string> {
  if (statSync(dir).isFile()) {
    yield dir;
    return;
  }
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) yield* walk(p);
    else if (st.isFile()) yield p;
  }
}
