import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject, Project } from '../../lib/project/load';
import { clusters, ClusterModel } from '../../lib/catalog/layout';
import { REPO_ROOT, tempDir } from '../support/tmp';

export interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function exampleProjectModel(): Project {
  return loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') });
}

export function clusterNamed(project: Project, name: string): ClusterModel {
  const c = clusters(project.catalog).find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
}

/** Writes files into a fresh folder and returns their paths by name. */
export function writeFiles(files: Record<string, string>): Record<string, string> {
  const dir = tempDir('secretops-bootstrap-');
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    out[name] = path;
  }
  return out;
}

/**
 * Runs a generated script with `sh` and only the environment given (plus PATH), as the Job's
 * container would: nothing from the test process leaks in.
 */
export function runScript(scriptPath: string, env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [scriptPath], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tempDir('secretops-script-tmp-'), VAULT_WAIT_SECONDS: '3', VAULT_WAIT_INTERVAL: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
