import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { loadMiniProject, scanFiles } from '../../test/support/scan-files';
import { singletonDuplicated as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const proxy = (name: string, annotations: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: platform\n  labels: {app.kubernetes.io/name: oauth2-proxy}\n  annotations: {${annotations}}\nspec:\n  template:\n    spec:\n      containers: [{name: p, image: x}]\n`;

describe('singleton-duplicated', () => {

  it('reports the second copy and points at the first', async () => {
    const a = proxy('one', 'secretops.dev/cluster: nonprod, secretops.dev/oauth-client: C');
    const b = proxy('two', 'secretops.dev/cluster: nonprod, secretops.dev/oauth-client: C');
    const f = await scanFiles(rule, { 'a.yaml': a, 'b.yaml': b }, { project });
    expect(f.map((x) => [x.file, x.line, x.message])).toEqual([
      ['b.yaml', 4, 'Deployment "platform/two" of singleton "oauth2-proxy" is a second copy on cluster "nonprod" for OAuth client "C" (first: Deployment "platform/one" at a.yaml:1)'],
    ]);
  });

  it('takes the cluster from the dist/<cluster>/ path when not annotated', async () => {
    const p = proxy('one', 'secretops.dev/oauth-client: C');
    expect(await scanFiles(rule, { 'dist/prod/platform/a.yaml': p, 'dist/nonprod/platform/a.yaml': p }, { project })).toEqual([]);
    expect(await scanFiles(rule, { 'dist/prod/platform/a.yaml': p, 'dist/prod/platform/b.yaml': p }, { project })).toHaveLength(1);
  });

  it('does not guess when the cluster is unknown, and needs a catalog', async () => {
    const p = proxy('one', 'secretops.dev/oauth-client: C');
    expect(await scanFiles(rule, { 'a.yaml': p, 'b.yaml': p }, { project })).toEqual([]);
    const annotated = proxy('one', 'secretops.dev/cluster: nonprod');
    expect(await scanFiles(rule, { 'a.yaml': annotated, 'b.yaml': annotated })).toEqual([]);
  });
});
