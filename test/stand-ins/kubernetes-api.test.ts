import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubernetesApiStandIn, writeKubeconfig } from './kubernetes-api';
import { tempDir } from '../support/tmp';

/** The stand-in must behave like the real API for the real client, or tests against it prove nothing. */
describe('Kubernetes API stand-in through @kubernetes/client-node', () => {
  const api = new KubernetesApiStandIn({ token: 't0ken' });
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());

  const client = () => {
    const kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(tempDir(), api));
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  };

  it('creates, reads, merge-patches and refuses a stale replace', async () => {
    client();
    await core.createNamespacedSecret({ namespace: 'ns', body: { metadata: { name: 's' }, data: { a: 'YQ==' } } });
    await expect(core.createNamespacedSecret({ namespace: 'ns', body: { metadata: { name: 's' } } })).rejects.toMatchObject({ code: 409 });
    const s = await core.readNamespacedSecret({ name: 's', namespace: 'ns' });
    expect(s.data).toEqual({ a: 'YQ==' });
    await core.patchNamespacedSecret({ name: 's', namespace: 'ns', body: { data: { b: 'Yg==' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(api.object('v1', 'Secret', 'ns', 's')!.data).toEqual({ a: 'YQ==', b: 'Yg==' });
    await expect(core.replaceNamespacedSecret({ name: 's', namespace: 'ns', body: { ...s, data: {} } })).rejects.toMatchObject({ code: 409 });
    await expect(core.readNamespacedSecret({ name: 'nope', namespace: 'ns' })).rejects.toMatchObject({ code: 404 });
  });

  it('serves custom resources and injected faults', async () => {
    client();
    api.seed({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace: 'dev' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    const es = (await custom.getNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1', namespace: 'dev', plural: 'externalsecrets', name: 'es' })) as { status: unknown };
    expect(es.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    api.fail({ status: 503 });
    await expect(core.readNamespacedSecret({ name: 's', namespace: 'ns' })).rejects.toMatchObject({ code: 503 });
  });

  it('rejects a wrong token', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(tempDir(), api, { token: 'wrong' }));
    await expect(kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 's', namespace: 'ns' })).rejects.toMatchObject({ code: 401 });
  });
});
