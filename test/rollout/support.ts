import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeGeneratedProject } from '../../scripts/bench/generate-catalog';
import { loadProject } from '../../lib/project/load';
import { renderProject } from '../../lib/synthesis/synthesize';
import { exampleProject, tempDir } from '../support/tmp';

export type Adapter = 'nginx' | 'traefik';

/** Every `ingress: <adapter>` of the catalog set to `adapter` (classes follow). */
function setAdapter(file: string, adapter: Adapter): void {
  const text = readFileSync(file, 'utf8')
    .replace(/ingress: (nginx|traefik)/g, `ingress: ${adapter}`)
    .replace(/ingressClassName: (nginx|traefik)/g, `ingressClassName: ${adapter}`);
  writeFileSync(file, text);
}

/** The rendered dist/ (path -> text) of the example project with every cluster on `adapter`. */
export function exampleDist(adapter: Adapter, edit?: (servicesYaml: string) => string): ReadonlyMap<string, string> {
  const dir = exampleProject();
  const file = join(dir, 'services.yaml');
  setAdapter(file, adapter);
  if (edit) writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return renderProject(loadProject({ servicesFile: file }), 'services.yaml').files;
}

/** The rendered dist/ of a generated catalog (scripts/bench/generate-catalog.ts) with every cluster on `adapter`. */
export function generatedDist(adapter: Adapter, services = 16): ReadonlyMap<string, string> {
  const dir = tempDir();
  const { servicesFile } = writeGeneratedProject(dir, { services, slots: 2 });
  setAdapter(servicesFile, adapter);
  return renderProject(loadProject({ servicesFile }), 'services.yaml').files;
}

/** What the production runbook has people do before the rollout can pass (docs/vault-production-bootstrap.md). */
export const RUNBOOK_DONE = { autoUnseal: true, initCeremony: true, bootstrapToken: true, tlsProvisioned: true, valuesProvisioned: true } as const;
