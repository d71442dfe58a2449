import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestJson } from '../../lib/constructs/provenance';
import { loadProject } from '../../lib/project/load';
import { renderProject } from '../../lib/synthesis/synthesize';
import { exampleProject } from './tmp';

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

/**
 * The bypass Ingresses synth renders for the example catalog, on a cluster whose controller is
 * `controller` (the example's `nonprod` is nginx; `traefik` switches it): the real output of
 * `renderProject`, not a construct rendered on its own.
 */
export function renderedBypassIngresses(controller: 'nginx' | 'traefik', edit: (catalogText: string) => string = (t) => t): DistObject[] {
  const dir = exampleProject();
  const file = join(dir, 'services.yaml');
  let text = readFileSync(file, 'utf8');
  if (controller === 'traefik') text = text.replace('- name: nonprod\n      ingress: nginx\n      ingressClassName: nginx', '- name: nonprod\n      ingress: traefik\n      ingressClassName: traefik');
  writeFileSync(file, edit(text));
  return distObjects(renderProject(loadProject({ servicesFile: file }), 'services.yaml').files).filter(
    (o) => o.manifest.kind === 'Ingress' && o.manifest.metadata?.annotations?.['secretops.dev/route'] === 'bypass',
  );
}
