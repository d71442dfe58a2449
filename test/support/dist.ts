import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestJson } from '../../lib/constructs/provenance';

/** Every file under `dir`, relative, sorted, with its bytes as text. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else out.set(p, readFileSync(join(dir, p), 'utf8'));
    }
  };
  walk('');
  return out;
}

export interface DistObject {
  readonly file: string;
  readonly manifest: ManifestJson;
}

/** Parses every YAML file of a rendered dist into objects (re-parsed from text, as Argo CD would read it). */
export function distObjects(files: ReadonlyMap<string, string>): DistObject[] {
  const out: DistObject[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const value = doc.toJSON();
      if (value) out.push({ file, manifest: value as ManifestJson });
    }
  }
  return out;
}
