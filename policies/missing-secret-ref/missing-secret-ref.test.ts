import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { loadMiniProject, scanFiles } from '../../test/support/scan-files';
import { missingSecretRef as rule } from './index';

let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const deployment = (ns: string, secret: string, key = 'DATABASE_URL') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: X\n              valueFrom: {secretKeyRef: {name: ${secret}, key: ${key}}}\n`;

describe('missing-secret-ref', () => {

  it('names the workload, the Secret and where it is referenced', async () => {
    const f = await scanFiles(rule, { 'd.yaml': deployment('dev', 'nope') }, { project });
    expect(f).toMatchObject([{ line: 11, pointer: '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name', object: { kind: 'Deployment', name: 'api', namespace: 'dev' } }]);
    expect(f[0]!.message).toBe('Deployment "dev/api" references Secret "nope" (secretKeyRef X), which no ExternalSecret, Secret or catalog entry provides in namespace "dev"');
  });

  it('lists the keys a provider exposes when a key is missing', async () => {
    const f = await scanFiles(rule, { 'd.yaml': deployment('dev', 'api-credentials', 'DB_URL') }, { project });
    expect(f.map((x) => x.message)).toEqual([
      'Deployment "dev/api" reads key "DB_URL" of Secret "api-credentials" (secretKeyRef X), which catalog secret "api-credentials" does not expose (keys: DATABASE_URL, LOG_LEVEL)',
    ]);
  });

  it('catalog secrets are provided only in their service namespaces, and project-level ones not at all', async () => {
    expect(await scanFiles(rule, { 'd.yaml': deployment('ai-slot-2', 'api-credentials') }, { project })).toEqual([]);
    expect(await scanFiles(rule, { 'd.yaml': deployment('orders', 'api-credentials') }, { project })).toHaveLength(1);
    expect(await scanFiles(rule, { 'd.yaml': deployment('dev', 'ci-deploy-token', 'DEPLOY_TOKEN') }, { project })).toHaveLength(1);
    const singleton = await scanFiles(rule, { 'd.yaml': deployment('platform', 'oauth2-proxy-credentials', 'GITHUB_OAUTH_CLIENT_ID') }, { project });
    expect(singleton).toEqual([]);
  });

  it('a Secret or ExternalSecret in another file of the scan provides it; without a namespace it matches any', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {DATABASE_URL: x}\n';
    expect(await scanFiles(rule, { 'd.yaml': deployment('orders', 's1'), 's.yaml': secret })).toEqual([]);
  });

  it('checks Helm values existingSecret names, and only in values files', async () => {
    const values = 'postgresql:\n  auth:\n    existingSecret: pg-credentials\nredis:\n  existingSecret: ""\n';
    const f = await scanFiles(rule, { 'chart/values.yaml': values }, { project, helmValues: ['chart/values.yaml'] });
    expect(f.map((x) => [x.line, x.message])).toEqual([[3, 'Helm values references Secret "pg-credentials" (existingSecret), which no ExternalSecret, Secret or catalog entry provides']]);
    expect(await scanFiles(rule, { 'other.yaml': values }, { project })).toEqual([]);
  });

  it('accepts names configured as provided out of band', async () => {
    const f = await scanFiles(rule, { 'd.yaml': deployment('orders', 'pg-app') }, { project, options: { provided: ['orders/pg-*'] } });
    expect(f).toEqual([]);
  });

  it('the production bootstrap token Secret is provisioned out of band, in the Vault namespace', async () => {
    expect(await scanFiles(rule, { 'j.yaml': deployment('vault', 'vault-bootstrap-token', 'token') }, { project })).toEqual([]);
    expect(await scanFiles(rule, { 'j.yaml': deployment('dev', 'vault-bootstrap-token', 'token') }, { project })).toHaveLength(1);
    const custom = { ...project, catalog: { ...project.catalog, spec: { ...project.catalog.spec, vault: { ...project.catalog.spec.vault, bootstrap: { tokenSecretName: 'scoped-token' } } } } };
    expect(await scanFiles(rule, { 'j.yaml': deployment('vault', 'scoped-token', 'token') }, { project: custom })).toEqual([]);
    expect(await scanFiles(rule, { 'j.yaml': deployment('vault', 'vault-bootstrap-token', 'token') }, { project: custom })).toHaveLength(1);
  });

  it('trusts a scanned ExternalSecret over the catalog: keys with a default are not in the Secret', async () => {
    const es =
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: api-credentials, namespace: dev}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}\n  target: {name: api-credentials}\n  data:\n    - {secretKey: DATABASE_URL, remoteRef: {key: dev/api, property: DATABASE_URL}}\n';
    expect(await scanFiles(rule, { 'd.yaml': deployment('dev', 'api-credentials', 'LOG_LEVEL') }, { project })).toEqual([]);
    const f = await scanFiles(rule, { 'd.yaml': deployment('dev', 'api-credentials', 'LOG_LEVEL'), 'es.yaml': es }, { project });
    expect(f.map((x) => x.message)).toEqual([
      'Deployment "dev/api" reads key "LOG_LEVEL" of Secret "api-credentials" (secretKeyRef X), which ExternalSecret "api-credentials" does not expose (keys: DATABASE_URL)',
    ]);
  });
});
