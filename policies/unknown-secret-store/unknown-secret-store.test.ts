import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { loadExampleProject, scanFiles } from '../../test/support/scan-files';
import { unknownSecretStore as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadExampleProject();
});

describe('unknown-secret-store', () => {

  const es = (store: string, kind?: string, ns = 'dev') =>
    `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: x, namespace: ${ns}}\nspec:\n  secretStoreRef: {name: ${store}${kind ? `, kind: ${kind}` : ''}}\n  target: {name: x}\n`;

  it('positions the finding on the store name and says which store the catalog declares', async () => {
    const f = await scanFiles(rule, { 'es.yaml': es('ameide-vualt', 'ClusterSecretStore') }, { project });
    expect(f).toMatchObject([{ ruleId: 'unknown-secret-store', line: 5, object: { kind: 'ExternalSecret', name: 'x', namespace: 'dev' } }]);
    expect(f[0]!.message).toMatch(/ClusterSecretStore "ameide-vualt".*catalog store is ClusterSecretStore "ameide-vault"/);
  });

  it('treats a missing kind as SecretStore, so the catalog ClusterSecretStore does not match it', async () => {
    const f = await scanFiles(rule, { 'es.yaml': es('ameide-vault') }, { project });
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/set kind: ClusterSecretStore/);
  });

  it('sees stores and ExternalSecrets in Jinja raw-wrapped snippets and ESO templates (not Helm templates)', async () => {
    const store = '{% raw %}\napiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: cloak-backend, namespace: dev}\nspec:\n  provider:\n    webhook: {url: "http://cloak/{{ .remoteRef.key }}"}\n{%- endraw %}\n';
    const templated = (name: string) => `${es(name, 'SecretStore')}  data:\n    - secretKey: p\n      remoteRef: {key: p}\n`.replace('target: {name: x}', 'target:\n    name: x\n    template:\n      data: {dsn: "u:{{ .p }}"}');
    const f = await scanFiles(rule, { 'store.yaml': store, 'ok.yaml': templated('cloak-backend'), 'ng.yaml': templated('nowhere') });
    expect(f.map((x) => [x.file, x.line])).toEqual([['ng.yaml', 5]]);
  });

  it('finds a store in another file of the same scan', async () => {
    const store = 'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: {name: other}\nspec: {provider: {fake: {data: []}}}\n';
    expect(await scanFiles(rule, { 'a.yaml': es('other', 'ClusterSecretStore'), 'b.yaml': store })).toEqual([]);
  });

  it('without a catalog only scanned stores count', async () => {
    expect(await scanFiles(rule, { 'es.yaml': es('ameide-vault', 'ClusterSecretStore') })).toHaveLength(1);
  });

  it('skips templated store names', async () => {
    expect(await scanFiles(rule, { 'es.yaml': es('"{{ .Values.store }}"', 'ClusterSecretStore') })).toEqual([]);
  });
});
