import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { loadMiniProject, scanFiles } from '../../test/support/scan-files';
import { secretLevelViolation as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

describe('secret-level-violation', () => {

  it('says where the secret belongs instead', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: personal-access, namespace: dev}\ntype: Opaque\n';
    const f = await scanFiles(rule, { 's.yaml': secret }, { project });
    expect(f.map((x) => [x.line, x.message])).toEqual([
      [3, 'Secret "dev/personal-access" renders the user-level catalog secret "personal-access"; user-level secrets stay with their user and are never rendered'],
    ]);
  });

  it('knows catalog project- and user-level secrets by name: rendered, or referenced by a workload', async () => {
    const es =
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: deploy, namespace: dev}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}\n  target:\n    name: ci-deploy-token\n';
    const job =
      'apiVersion: batch/v1\nkind: Job\nmetadata: {name: release, namespace: dev}\nspec:\n  template:\n    spec:\n      containers:\n        - name: release\n          envFrom:\n            - secretRef: {name: personal-access}\n';
    const f = await scanFiles(rule, { 'es.yaml': es, 'job.yaml': job }, { project });
    expect(f.map((x) => [x.file, x.line, x.message])).toEqual([
      ['es.yaml', 7, 'ExternalSecret "dev/deploy" renders the project-level catalog secret "ci-deploy-token"; project-level secrets live in GitHub (Actions and environment secrets), never in a cluster'],
      ['job.yaml', 10, 'Job "dev/release" references the user-level catalog secret "personal-access"; user-level secrets stay with their user and are never rendered'],
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
