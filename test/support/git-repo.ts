import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileTree } from './scan';
import { REPO_ROOT, tempDir } from './tmp';

/**
 * Real git repositories in temporary folders for the `--staged` tests, and the manifests those
 * tests commit, stage and delete (stores, ExternalSecrets, workloads naming Secrets).
 */

export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

export const commitAll = (cwd: string, message = 'c') => {
  git(cwd, 'add', '-A');
  git(cwd, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--no-verify', '-m', message);
};

/** A repository holding `files`, committed. */
export const repo = (files: Record<string, string>) => {
  const dir = fileTree(files);
  git(dir, 'init', '-q');
  commitAll(dir);
  return dir;
};

/** A repository holding the example catalog, its fixtures and its synthesized dist/, committed. */
export const catalogRepo = () => {
  const dir = tempDir();
  for (const p of ['services.yaml', 'fixtures', 'dist']) cpSync(join(REPO_ROOT, p), join(dir, p), { recursive: true });
  git(dir, 'init', '-q');
  commitAll(dir);
  return dir;
};

/** `rule file:line` of each finding of a JSON scan output. */
export const findings = (stdout: string) => (JSON.parse(stdout).findings as { ruleId: string; file: string; line: number }[]).map((f) => `${f.ruleId} ${f.file}:${f.line}`);

export const store = (name = 'vault') =>
  `apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: ${name}\nspec:\n  provider:\n    vault:\n      server: https://vault.example.com\n      path: kv\n`;
export const STORE = store();
export const es = (name: string, storeName: string) =>
  `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: ${name}\n  namespace: app\nspec:\n  secretStoreRef:\n    kind: ClusterSecretStore\n    name: ${storeName}\n  target:\n    name: ${name}\n  data:\n    - secretKey: password\n      remoteRef:\n        key: app/${name}\n        property: password\n`;
export const deployment = (secret: string, key: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: ${secret}\n                  key: ${key}\n`;
/** The value planted in `LEAK`: it must never reach any output. */
export const LEAK_CANARY = 'canary-ctx-Wq3Zr8Lp5Xv1';
export const LEAK = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: old\n  namespace: app\nstringData:\n  password: ${LEAK_CANARY}\n`;
