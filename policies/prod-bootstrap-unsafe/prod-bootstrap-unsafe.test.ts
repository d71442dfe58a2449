import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { loadMiniProject, scanFiles } from '../../test/support/scan-files';
import { prodBootstrapUnsafe as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const configMap = (script: string, annotations = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  namespace: vault\n${annotations}data:\n  run.sh: |\n${script
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

describe('prod-bootstrap-unsafe', () => {

  it('places objects on the production cluster by their dist/<cluster>/ path', async () => {
    const cm = configMap('vault operator unseal "$KEY"');
    const f = await scanFiles(rule, { 'dist/prod/vault/bootstrap.yaml': cm, 'dist/nonprod/vault/bootstrap.yaml': cm }, { project });
    expect(f.map((x) => [x.file, x.line, x.message])).toEqual([['dist/prod/vault/bootstrap.yaml', 7, 'ConfigMap "vault/s" runs `vault operator unseal` in production']]);
  });

  it('flags an init API write but not a status read', async () => {
    const prod = '  annotations:\n    secretops.dev/cluster: prod\n';
    const write = await scanFiles(rule, { 'a.yaml': configMap('curl --request POST "$VAULT_ADDR/v1/sys/init" -d @init.json', prod) }, { project });
    expect(write.map((x) => x.message)).toEqual(['ConfigMap "vault/s" calls the Vault init API (/v1/sys/init) in production']);
    expect(await scanFiles(rule, { 'a.yaml': configMap('curl -sf "$VAULT_ADDR/v1/sys/init"', prod) }, { project })).toEqual([]);
  });

  it('names each unsafe thing once, on its field', async () => {
    const text = readFileSync(join(__dirname, 'cases', 'ng.init-job.yaml'), 'utf8');
    const f = await scanFiles(rule, { 'job.yaml': text }, { project });
    expect(f.map((x) => [x.line, x.pointer, x.message])).toEqual([[16, '/spec/template/spec/containers/0/command', 'Job "vault/vault-init" runs `vault operator init` in production']]);
  });

  it('reports root-token names in Secrets, ExternalSecrets and volumes', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: vault-root-token, namespace: vault, annotations: {secretops.dev/cluster: prod}}\ntype: Opaque\n';
    const es =
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: boot, namespace: vault, annotations: {secretops.dev/cluster: prod}}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}\n  target: {name: boot}\n  data:\n    - {secretKey: VAULT_ROOT_TOKEN, remoteRef: {key: prod/boot, property: t}}\n';
    const f = await scanFiles(rule, { 's.yaml': secret, 'es.yaml': es }, { project });
    expect(f.map((x) => x.message)).toEqual([
      'ExternalSecret "vault/boot" mounts a root token (ExternalSecret key "VAULT_ROOT_TOKEN") in production',
      'Secret "vault/vault-root-token" mounts a root token (Secret "vault-root-token") in production',
    ]);
  });

  it('without a catalog trusts only an explicit production environment annotation', async () => {
    const cm = configMap('vault operator init', '  annotations:\n    secretops.dev/environment: production\n');
    expect(await scanFiles(rule, { 'a.yaml': cm })).toHaveLength(1);
    expect(await scanFiles(rule, { 'dist/prod/a.yaml': configMap('vault operator init') })).toEqual([]);
  });
});
