import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ExitCode, UserError } from '../errors';
import type { Project } from '../project/load';
import { clusters } from '../catalog/layout';
import { devBootstrapFiles, productionBootstrapFiles } from './bundle';
import { BOOTSTRAP_PLAN_FILE, BOOTSTRAP_SCRIPT_FILE, FIXTURES_FILE } from './script-common';
import { BOOTSTRAP_TOKEN_POLICY_FILE } from './production-script';
import { listenerTlsFor, sealStanza, vaultHelmSealValues } from './seal';

export interface RenderedBootstrap {
  readonly cluster: string;
  readonly mode: 'dev' | 'production';
  /** File name -> text, in the order they are listed. */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * The bootstrap of one cluster as files, for running it by hand (`sh bootstrap.sh` with
 * `BOOTSTRAP_CONFIG` pointing at `bootstrap.json`) and for the production runbook (the token
 * policy and the Vault Helm values). The same text the constructs put into ConfigMaps.
 */
export function renderBootstrap(project: Project, clusterName: string): RenderedBootstrap {
  const all = clusters(project.catalog);
  const cluster = all.find((c) => c.name === clusterName);
  if (!cluster) {
    throw new UserError({ message: `unknown cluster "${clusterName}"`, hint: `use one of: ${all.map((c) => c.name).join(', ')}` }, ExitCode.usage);
  }
  if (!cluster.production) {
    const f = devBootstrapFiles(project, cluster);
    return { cluster: cluster.name, mode: 'dev', files: { [BOOTSTRAP_SCRIPT_FILE]: f.script, [BOOTSTRAP_PLAN_FILE]: f.plan, [FIXTURES_FILE]: f.fixtures } };
  }
  const f = productionBootstrapFiles(project, cluster);
  const seal = project.catalog.spec.vault.seal;
  return {
    cluster: cluster.name,
    mode: 'production',
    files: {
      [BOOTSTRAP_SCRIPT_FILE]: f.script,
      [BOOTSTRAP_PLAN_FILE]: f.plan,
      [BOOTSTRAP_TOKEN_POLICY_FILE]: f.tokenPolicy,
      ...(seal ? { 'seal.hcl': sealStanza(seal), 'vault-values.yaml': stringify(vaultHelmSealValues(seal, listenerTlsFor(project.catalog, cluster.name))) } : {}),
    },
  };
}

/** Writes every file through a temporary file and a rename: nothing is half-written. */
export function writeRenderedBootstrap(rendered: RenderedBootstrap, dir: string): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError({ file: dir, message: `cannot create the output folder (${code ?? 'error'})`, hint: 'pass --out a folder that exists or can be created' }, ExitCode.usage);
  }
  const written: string[] = [];
  const temps: [string, string][] = [];
  for (const [name, text] of Object.entries(rendered.files)) {
    const file = join(dir, name);
    const tmp = `${file}.secretops-tmp`;
    writeFileSync(tmp, text, { mode: name === BOOTSTRAP_SCRIPT_FILE ? 0o755 : 0o644 });
    temps.push([tmp, file]);
    written.push(file);
  }
  for (const [tmp, file] of temps) renameSync(tmp, file);
  return written;
}
