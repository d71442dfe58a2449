import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/catalog/load';
import { itChecksCases, loadMiniProject, scanFiles } from '../../test/support/scan-files';
import { rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

describe('secret-level-violation', () => {
  itChecksCases(rule, __dirname, () => ({ project }));

  it('says where the secret belongs instead', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: personal-access, namespace: dev}\ntype: Opaque\n';
    const f = await scanFiles(rule, { 's.yaml': secret }, { project });
    expect(f.map((x) => [x.line, x.message])).toEqual([
      [3, 'Secret "dev/personal-access" renders the user-level catalog secret "personal-access"; user-level secrets stay with their user and are never rendered'],
    ]);
  });

  it('checks SealedSecret template names and List items', async () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: bitnami.com/v1alpha1\n    kind: SealedSecret\n    metadata: {name: sealed, namespace: dev}\n    spec:\n      template: {metadata: {name: ci-deploy-token}}\n      encryptedData: {DEPLOY_TOKEN: AgB}\n';
    const f = await scanFiles(rule, { 'l.yaml': list }, { project });
    expect(f).toMatchObject([{ line: 6, object: { kind: 'SealedSecret', name: 'sealed' } }]);
  });

  it('without a catalog only the level annotation counts', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: ci-deploy-token, namespace: dev}\n';
    expect(await scanFiles(rule, { 's.yaml': secret })).toEqual([]);
    const annotated = 'apiVersion: v1\nkind: Secret\nmetadata: {name: x, annotations: {secretops.dev/level: user}}\n';
    expect(await scanFiles(rule, { 's.yaml': annotated })).toHaveLength(1);
  });
});
