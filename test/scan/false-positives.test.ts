import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../policies';
import { runScanCommand } from '../../lib/cli/commands/scan-run';
import type { Rule } from '../../lib/scan/types';
import noInlineSecret from '../../policies/no-inline-secret';
import noSealedSecret from '../../policies/no-sealed-secret';
import { scanTree } from './scan-tree';

/**
 * The content rules over real GitOps repositories (test/corpora/realworld, see its SOURCES.md):
 * the findings must be exactly the reviewed true findings below, each with why it is true. Any
 * other finding is a false positive; a missing one is a false negative.
 */
const rules = [noInlineSecret, noSealedSecret];
const corpus = join(__dirname, '..', 'corpora', 'realworld');
const repoRoot = join(__dirname, '..', '..');

interface Expected {
  readonly file: string;
  readonly lines: readonly number[];
  readonly why: string;
}

const K8S = 'kubernetes__examples/_archived';
const ESO = 'external-secrets__external-secrets/docs/snippets';

/** All no-inline-secret; no SealedSecret exists in the corpus. */
const TRUE_FINDINGS: readonly Expected[] = [
  // argoproj/argocd-example-apps: a values file that sets chart passwords inline.
  { file: 'argoproj__argocd-example-apps/helm-dependency/values.yaml', lines: [4, 7, 9], why: 'wordpressPassword, mariadb db and root passwords as literals (foo/bar/baz) in a chart values file' },
  { file: 'argoproj__argocd-example-apps/helm-dependency/values-nomaria.yaml', lines: [5], why: 'wordpressPassword literal in a values file' },
  // external-secrets docs: sample Secrets that hold literal values (not placeholders).
  { file: `${ESO}/azkv-credentials-secret.yaml`, lines: [8], why: 'data.ClientSecret: base64 of a literal service-principal secret string' },
  { file: `${ESO}/azkv-pushsecret-key.yaml`, lines: [6], why: 'data.tls.key: base64 of a complete RSA private key' },
  { file: `${ESO}/beyondtrust-secret.yaml`, lines: [7], why: 'stringData.password: literal S3cr3tP@ss' },
  { file: `${ESO}/generator-webhook.yaml`, lines: [26], why: 'data.password: base64 of the literal "test" (a Jinja-wrapped template, parsed around its actions)' },
  { file: `${ESO}/passbolt-secret-example.yaml`, lines: [6, 7], why: 'data.full_secret JSON with a password, data.password_only: literal supersecretpassword (not base64)' },
  { file: `${ESO}/password-depot-credentials-secret.yaml`, lines: [10], why: 'stringData.password: literal "the secret password"' },
  // kubernetes/examples (archived): demo manifests with literal passwords and keys.
  { file: `${K8S}/javaee/mysql-pod.yaml`, lines: [16, 20], why: 'env MYSQL_PASSWORD / MYSQL_ROOT_PASSWORD literal values' },
  { file: `${K8S}/phabricator/phabricator-controller.json`, lines: [43], why: 'env MYSQL_PASSWORD literal in a JSON ReplicationController' },
  { file: `${K8S}/storage/minio/minio-distributed-statefulset.yaml`, lines: [22, 24], why: 'env MINIO_ACCESS_KEY and MINIO_SECRET_KEY literals (minio/minio123 defaults)' },
  { file: `${K8S}/storage/minio/minio-standalone-deployment.yaml`, lines: [34, 36], why: 'env MINIO_ACCESS_KEY and MINIO_SECRET_KEY literals' },
  { file: `${K8S}/storage/mysql-galera/pxc-node1.yaml`, lines: [51, 55, 57], why: 'env WSREP_SST_PASSWORD, MYSQL_PASSWORD, MYSQL_ROOT_PASSWORD literals' },
  { file: `${K8S}/storage/mysql-galera/pxc-node2.yaml`, lines: [52, 56, 58], why: 'same as pxc-node1' },
  { file: `${K8S}/storage/mysql-galera/pxc-node3.yaml`, lines: [52, 56, 58], why: 'same as pxc-node1' },
  { file: `${K8S}/sysdig-cloud/sysdig-daemonset.yaml`, lines: [47], why: 'env ACCESS_KEY: a literal Sysdig access key (a sample, but shaped like the real thing)' },
  { file: `${K8S}/sysdig-cloud/sysdig-rc.yaml`, lines: [45], why: 'env ACCESS_KEY: same literal' },
  { file: `${K8S}/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml`, lines: [7], why: 'data.password: base64 of the literal quobyte (the file repeats `type`, a duplicate key: read as kubectl reads it, the later key winning)' },
  { file: `${K8S}/persistent-volume-provisioning/rbd/ceph-secret-admin.yaml`, lines: [8], why: 'data.key: a cephx key' },
  { file: `${K8S}/persistent-volume-provisioning/rbd/ceph-secret-user.yaml`, lines: [8], why: 'data.key: a cephx key' },
  { file: `${K8S}/volumes/rbd/secret/ceph-secret.yaml`, lines: [7], why: 'data.key: a cephx key' },
  { file: `${K8S}/volumes/cephfs/secret/ceph-secret.yaml`, lines: [6], why: 'stringData.key: a cephx key' },
  { file: `${K8S}/volumes/azure_file/secret/azure-secret.yaml`, lines: [8], why: 'data.azurestorageaccountkey: an Azure storage account key' },
  { file: `${K8S}/volumes/iscsi/chap-secret.yaml`, lines: [9, 11, 13, 15], why: 'CHAP passwords (demo, mpass, password, mpass2) in data; the user names beside them are not findings' },
  { file: `${K8S}/volumes/scaleio/secret.yaml`, lines: [8], why: 'data.password: base64 of a literal ScaleIO password' },
  { file: `${K8S}/volumes/storageos/storageos-secret.yaml`, lines: [9], why: 'data.apiPassword: base64 of the literal storageos' },
];

interface ExpectedOf extends Expected {
  readonly rule: string;
}

/**
 * What the other rules of policies/index.ts find in the corpus, reviewed one by one. The corpus is
 * documentation and examples, not one deployable repository: a store or Secret its objects name
 * but no scanned file defines is a reference that would not resolve if these files were applied,
 * which is what the rule reports.
 */
const OTHER_TRUE_FINDINGS: readonly ExpectedOf[] = [
  // unknown-secret-store: ExternalSecrets whose store no scanned file defines.
  ...(
    [
      ['1passwordsdk-external-secret.yaml', 9, 'SecretStore onepassword'],
      ['aws-anchore-engine-access-credentials-external-secret.yaml', 10, 'ClusterSecretStore cluster-secrets-store'],
      ['aws-jenkins-credential-github-ssh-external-secret.yaml', 10, 'ClusterSecretStore cluster-parameter-store'],
      ['aws-jenkins-credential-sonarqube-api-token-external-secret.yaml', 10, 'ClusterSecretStore cluster-secrets-store'],
      ['aws-jenkins-credentials-harbor-chart-robot-external-secret.yaml', 10, 'ClusterSecretStore cluster-secrets-store'],
      ['beyondtrust-external-secret.yaml', 9, 'SecretStore secretstore-beyondtrust'],
      ['chef-external-secret.yaml', 15, 'ClusterSecretStore vivid-clustersecretstore'],
      ['cluster-external-secret-fanout.yaml', 11, 'ClusterSecretStore my-upstream-store (the file defines shared-credentials-store only)'],
      ['datafrom-rewrite-conflict.yaml', 9, 'SecretStore backend'],
      ['datafrom-rewrite-invalid-characters.yaml', 9, 'SecretStore backend'],
      ['datafrom-rewrite-remove-path.yaml', 9, 'SecretStore backend'],
      ['full-external-secret.yaml', 18, 'SecretStore aws-store'],
      ['full-external-secret.yaml', 109, 'ClusterSecretStore aws-secretstore (a generator sourceRef.storeRef)'],
      ['full-cluster-external-secret.yaml', 45, 'SecretStore secret-store-name (a ClusterExternalSecret)'],
      ['gcpsm-external-secret.yaml', 9, 'SecretStore gcp-store'],
      ['nebius-mysterybox-external-secret-all.yaml', 8, 'SecretStore mysterybox-secretstore'],
      ['nebius-mysterybox-external-secret-by-key.yaml', 8, 'SecretStore mysterybox-secretstore'],
      ['passworddepot-external-secret-json.yaml', 10, 'SecretStore passworddepot-secret-store'],
      ['passworddepot-external-secret.yaml', 10, 'SecretStore passworddepot-secret-store'],
      ['rsadecrypt-template-v2-external-secret.yaml', 23, 'SecretStore kubernetes'],
    ] as const
  ).map(([file, line, store]) => ({ rule: 'unknown-secret-store', file: `${ESO}/${file}`, lines: [line], why: `references ${store}, defined in no scanned file` })),
  // The same rule, where the name exists with the other kind: ESO looks a store up by kind and name.
  { rule: 'unknown-secret-store', file: `${ESO}/keepersecurity-external-secret.yaml`, lines: [26, 54], why: 'both ExternalSecrets reference ClusterSecretStore keeper; keepersecurity-secret-store.yaml defines a namespaced SecretStore keeper' },
  ...['anchore-engine-access-credentials', 'jenkins-credential-github-ssh-access', 'jenkins-credential-harbor-chart-robot', 'jenkins-credential-sonarqube-api-token'].map(
    (name): ExpectedOf => ({ rule: 'unknown-secret-store', file: `${ESO}/vault-${name}-external-secret.yaml`, lines: [10], why: 'references ClusterSecretStore vault-backend; the vault-*-store.yaml snippets define vault-backend only as namespaced SecretStores' }),
  ),
  // missing-secret-ref: workloads reading a Secret that nothing in the corpus provides.
  { rule: 'missing-secret-ref', file: `${ESO}/cloak-proxy-deployment.yaml`, lines: [25], why: 'secretKeyRef cloak-key: the docs have the reader create it by hand' },
  { rule: 'missing-secret-ref', file: 'kubernetes__examples/AI/vllm-deployment/vllm-deployment.yaml', lines: [53], why: 'secretKeyRef hf-secret: the README has the reader create it with kubectl' },
  { rule: 'missing-secret-ref', file: `${K8S}/openshift-origin/openshift-controller.yaml`, lines: [37], why: 'secret volume openshift-config: the example generates it (its secret.json is committed empty)' },
  { rule: 'missing-secret-ref', file: `${K8S}/https-nginx/nginx-app.yaml`, lines: [33], why: 'secret volume nginxsecret: made by the example\'s Makefile, not committed' },
  // parse-error: text that is not YAML (docs excerpts with elisions: kubectl rejects them too), and
  // duplicate keys: invalid YAML that kubectl and Helm apply with the later key winning, silently
  // dropping the first (the rules read the document that way, so nothing hides behind the repeat).
  { rule: 'parse-error', file: `${ESO}/1password-connect-server-deployment.yaml`, lines: [18], why: 'a docs excerpt with `...` standing for elided container fields' },
  { rule: 'parse-error', file: `${ESO}/conjur-ca-bundle.yaml`, lines: [2], why: 'a docs excerpt starting with `....`' },
  { rule: 'parse-error', file: `${ESO}/full-external-secret.yaml`, lines: [123], why: 'spec.dataFrom written twice (a duplicate key; the rules read the later one, as kubectl does)' },
  { rule: 'parse-error', file: `${ESO}/gcpsm-ssh-auth-externalsecret.yaml`, lines: [17], why: 'spec.target.name written twice (a duplicate key)' },
  { rule: 'parse-error', file: `${ESO}/ibm-container-auth-volume.yaml`, lines: [4], why: 'a docs excerpt with `...` lines and a mis-indented `name:`' },
  ...['etcd-controller', 'etcd-discovery-controller', 'openshift-controller'].map(
    (name): ExpectedOf => ({ rule: 'parse-error', file: `${K8S}/openshift-origin/${name}.yaml`, lines: [12], why: 'spec.selector written twice (a duplicate key)' }),
  ),
  { rule: 'parse-error', file: `${K8S}/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml`, lines: [9], why: 'type written twice (a duplicate key)' },
  { rule: 'parse-error', file: `${K8S}/volumes/scaleio/sc-pvc.yaml`, lines: [12], why: 'spec.storageClassName written twice (a duplicate key)' },
];

/** The same rule without its raw-text prefilter: what `interest` skips must hold no finding. */
const unfiltered = (rule: Rule): Rule => ({ ...rule, meta: { ...rule.meta, id: `${rule.meta.id}~all`, interest: undefined } });

describe('content rules on the real-world corpus', () => {
  let scan: Awaited<ReturnType<typeof scanTree>>;
  beforeAll(async () => {
    scan = await scanTree(corpus, [...rules, ...rules.map(unfiltered)]);
  });
  /** `rule file:line` of the findings of the filtered rules, or of their unfiltered twins. */
  const found = (twins: boolean) =>
    scan.findings
      .filter((f) => f.ruleId.endsWith('~all') === twins)
      .map((f) => `${f.ruleId.replace('~all', '')} ${f.file}:${f.line}`)
      .sort();

  it('find exactly the reviewed true findings', () => {
    expect(scan.files).toBeGreaterThan(1000);
    expect(scan.docs).toBeGreaterThan(1000);
    const expected = TRUE_FINDINGS.flatMap((e) => e.lines.map((l) => `no-inline-secret ${e.file}:${l}`));
    expect(found(false)).toEqual(expected.sort());
  });

  it('lose nothing to the interest prefilter', () => {
    expect(found(true)).toEqual(found(false));
  });

  it('name the material, never the value', async () => {
    const { findings } = await scanTree(corpus, rules, [`${K8S}/volumes/iscsi`, `${ESO}/beyondtrust-secret.yaml`]);
    const out = JSON.stringify(findings);
    for (const value of ['ZGVtbw==', 'demo', 'cGFzc3dvcmQ=', 'S3cr3tP@ss', 'mpass']) expect(out).not.toContain(value);
  });
});

describe('every rule on the real-world corpus, through the CLI path', () => {
  const expected = [
    ...TRUE_FINDINGS.flatMap((e) => e.lines.map((l) => `no-inline-secret ${e.file}:${l}`)),
    ...OTHER_TRUE_FINDINGS.flatMap((e) => e.lines.map((l) => `${e.rule} ${e.file}:${l}`)),
  ].sort();
  const run = (services?: string) =>
    runScanCommand({ cwd: corpus, paths: ['.'], staged: false, format: 'json', colour: false, ...(services ? { services } : {}) });
  const found = (result: Awaited<ReturnType<typeof run>>['result']) => result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`).sort();

  it('without a catalog: exactly the reviewed true findings, every rule enabled', async () => {
    const { result, warnings } = await run();
    expect(result.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    expect(found(result)).toEqual(expected);
    // The one file not scanned is over the size limit, and says so.
    expect(warnings).toEqual(['prometheus-operator__kube-prometheus/manifests/grafana-dashboardDefinitions.yaml: larger than maxFileSize (1053739 > 1048576 bytes): skipped']);
  });

  it('with the example catalog loaded as --services does: the same findings', async () => {
    const { result, warnings } = await run(join(repoRoot, 'services.yaml'));
    expect(warnings.some((w) => /catalog/.test(w))).toBe(false);
    expect(found(result)).toEqual(expected);
  });

  it('reads Jinja-wrapped snippets as YAML: their stores are defined, their references checked', async () => {
    const { result } = await run();
    // cloak-secret-store.yaml starts with `{% raw %}`: its SecretStore cloak-backend is seen.
    expect(found(result).filter((f) => f.includes('cloak-external-secret.yaml'))).toEqual([]);
    // vault-*-external-secret.yaml hold `{{ .x }}` ExternalSecret templates: no longer hidden.
    expect(found(result).filter((f) => f.includes('/vault-jenkins-'))).toHaveLength(3);
  });
});

describe('content rules on this repository', () => {
  it('find nothing in services.yaml, fixtures/ and dist/ (when synthesized)', async () => {
    const paths = ['services.yaml', 'fixtures', ...(existsSync(join(repoRoot, 'dist')) ? ['dist'] : [])];
    const { findings, files } = await scanTree(repoRoot, rules, paths);
    expect(files).toBeGreaterThanOrEqual(paths.length);
    expect(findings).toEqual([]);
  });
});
