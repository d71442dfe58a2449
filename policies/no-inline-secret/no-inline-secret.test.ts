import { describe, expect, it } from 'vitest';
import { credentialKeyMatcher, DEFAULT_CREDENTIAL_KEY_PATTERNS } from '../../lib/credential-like';
import { checkText } from '../../lib/scan/run-rules';
import type { Finding } from '../../lib/scan/types';
import { canary, expectNoLeak } from '../../test/support/canary';
import { pem, samples } from '../../test/policies/helpers/detect/samples';
import rule, { noInlineSecret } from './index';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const brief = (fs: readonly Finding[]) => fs.map((f) => `${f.line}:${f.column} ${f.message}`);

describe('no-inline-secret', () => {

  it('exports the same rule as default and by name, with full metadata', () => {
    expect(rule).toBe(noInlineSecret);
    expect(rule.meta.remediation).toMatch(/^[A-Z].*\.$/);
    expect(rule.meta.docs).toBe('policies/no-inline-secret/README.md');
  });

  it('names object, section and key, and points at the key', async () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  username: app\n  password: hunter2hunter2\n';
    const [f, ...rest] = await checkText(rule, 'db.yaml', text);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ line: 8, column: 3, pointer: '/stringData/password', message: 'Secret default/db has a literal credential in stringData.password' });
    expect(f!.object).toEqual({ apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'default' });
  });

  it('decodes data, reads the Secret type and keeps public material out', async () => {
    const text = [
      'kind: Secret',
      'apiVersion: v1',
      'metadata: {name: mixed}',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${b64(pem('CERTIFICATE'))}`,
      `  tls.key: ${b64(pem('EC PRIVATE KEY'))}`,
      `  ca.key: ${Buffer.from([0x30, 0x82, 0xff, 0x01, 0x9c]).toString('base64')}`,
      `  config.json: ${b64(`{"token": "${samples.github}"}`)}`,
      '',
    ].join('\n');
    expect(brief(await checkText(rule, 'tls.yaml', text))).toEqual([
      '7:3 Secret mixed has a private key in data.tls.key',
      '8:3 Secret mixed has literal binary key material in data.ca.key',
      '9:3 Secret mixed has a GitHub token in data.config.json',
    ]);
  });

  it('reads docker configs: literal auth is a finding, templated or empty auths are not', async () => {
    const secret = (cfg: object) => `apiVersion: v1\nkind: Secret\nmetadata: {name: reg}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '${JSON.stringify(cfg)}'\n`;
    expect(brief(await checkText(rule, 'a.yaml', secret({ auths: { 'registry.internal': { username: 'ci', password: 'pa55w0rd-pa55' } } })))).toEqual([
      '6:3 Secret reg has literal registry credentials for registry.internal (password) in stringData[.dockerconfigjson]',
    ]);
    expect(await checkText(rule, 'b.yaml', secret({ auths: { 'registry.internal': { auth: '${REGISTRY_AUTH}' } } }))).toEqual([]);
    expect(await checkText(rule, 'c.yaml', secret({ auths: {} }))).toEqual([]);
  });

  it('finds env literals in every pod template and names the container', async () => {
    const podSpec = (indent: string) =>
      [`${indent}containers:`, `${indent}  - name: app`, `${indent}    env:`, `${indent}      - {name: API_TOKEN, value: tok3n-v4lue-1234}`].join('\n');
    const docs = [
      `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`,
      `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`,
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: job}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n${podSpec('  ')}`,
    ];
    const findings = await checkText(rule, 'w.yaml', docs.join('\n---\n') + '\n');
    expect(findings.map((f) => f.message)).toEqual([
      'DaemonSet ds has a literal credential in container app env API_TOKEN',
      'ReplicaSet rs has a literal credential in container app env API_TOKEN',
      'Job job has a literal credential in container app env API_TOKEN',
      'Pod pod has a literal credential in container app env API_TOKEN',
    ]);
    expect(findings.every((f) => f.pointer?.endsWith('/env/0/value'))).toBe(true);
  });

  it('reports a token once, where a precise check already named it', async () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: gh}\nstringData:\n  token: ${samples.github}\n  # same token again: ${samples.github}\n`;
    expect(brief(await checkText(rule, 'gh.yaml', text))).toEqual(['5:3 Secret gh has a GitHub token in stringData.token']);
  });

  it('finds tokens in comments and plain fields of any object, at their exact position', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      '  annotations:',
      `    note: "rotate ${samples.stripe} soon"`,
      `# ${samples.slackWebhook}`,
      `#   and ${samples.googleApiKey}`,
      '',
    ].join('\n');
    expect(brief(await checkText(rule, 'svc.yaml', text))).toEqual([
      '6:11 Service web has a Stripe live key in metadata.annotations.note',
      '7:3 Service web has a Slack webhook URL in a comment',
      '8:9 Service web has a Google API key in a comment',
    ]);
  });

  it('finds tokens inside Helm template actions, positioned in the template', async () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  token: {{ default "${samples.gitlab}" .Values.token | quote }}\n`;
    expect(brief(await checkText(rule, 'chart/templates/cm.yaml', text))).toEqual(['6:22 ConfigMap (templated name) has a GitLab personal access token in its text']);
  });

  it('checks Helm values wherever they live, naming the path inside them', async () => {
    const text = [
      'apiVersion: helm.cattle.io/v1',
      'kind: HelmChart',
      'metadata: {name: traefik, namespace: kube-system}',
      'spec:',
      '  valuesContent: |-',
      '    dashboard:',
      '      auth:',
      '        password: admin-hunter2',
      '---',
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'helmCharts:',
      '  - name: minio',
      '    valuesInline:',
      '      rootPassword: minio-r00t-pass',
      '',
    ].join('\n');
    expect(brief(await checkText(rule, 'k.yaml', text))).toEqual([
      '5:3 HelmChart kube-system/traefik has a literal credential in spec.valuesContent at dashboard.auth.password',
      '15:7 Kustomization has a literal credential in helmCharts[0].valuesInline at rootPassword',
    ]);
  });

  it('folds the findings of a values string into one at the string, and numbers repeated comment hits', async () => {
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: app, namespace: argocd}',
      'spec:',
      '  source:',
      '    helm:',
      '      values: |',
      '        adminPassword: hunter2hunter2',
      '        smtp:',
      '          password: s3cr3t-smtp-pass',
      `# ${samples.gitlab}`,
      `# ${samples.gitlab.replace('Zx9', 'Qr7')}`,
      '',
    ].join('\n');
    const findings = await checkText(rule, 'app.yaml', text);
    expect(brief(findings)).toEqual([
      '7:7 Application argocd/app has a literal credential in spec.source.helm.values at adminPassword (and 1 more in the same text)',
      '11:3 Application argocd/app has a GitLab personal access token in a comment',
      '12:3 Application argocd/app has a GitLab personal access token in a comment (#2)',
    ]);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(3);
  });

  it('reads a values string as manifests are read: merge keys, a repeated key (the later wins), no alias bomb', async () => {
    const app = (values: string[]) =>
      ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata: {name: app, namespace: argocd}', 'spec:', '  source:', '    helm:', '      values: |', ...values.map((l) => `        ${l}`), ''].join('\n');
    const merged = await checkText(rule, 'app.yaml', app(['defaults: &d', '  password: hunter2hunter2', 'db:', '  <<: *d', '  host: db']));
    expect(brief(merged)).toEqual(['7:7 Application argocd/app has a literal credential in spec.source.helm.values at defaults.password (and 1 more in the same text)']);
    const repeated = await checkText(rule, 'app.yaml', app(['password: hunter2hunter2', 'password: ${DB_PASSWORD}']));
    expect(repeated).toEqual([]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`), 'password: hunter2hunter2'];
    // Ten to the thirteenth nodes if walked: read as not YAML (no finding), and at once.
    expect(await checkText(rule, 'app.yaml', app(bomb))).toEqual([]);
  });

  it('reads config files held in a Secret like values, and leaves credential-free ones alone', async () => {
    const cluster = JSON.stringify({ bearerToken: 'k8s-bearer-hunter2', tlsClientConfig: { insecure: false, caData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' } });
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: prod-cluster',
      '  namespace: argocd',
      '  labels: {argocd.argoproj.io/secret-type: cluster}',
      'stringData:',
      '  name: prod',
      '  server: https://prod.k8s.internal',
      `  config: '${cluster}'`,
      '  alertmanager.yaml: |',
      '    global:',
      '      resolve_timeout: 5m',
      '      smtp_auth_username: alerts',
      '    receivers:',
      '      - name: "null"',
      '',
    ].join('\n');
    expect(brief(await checkText(rule, 'cluster.yaml', text))).toEqual(['10:3 Secret argocd/prod-cluster has a literal credential in stringData.config at bearerToken']);
  });

  it('treats a number in a Secret as a literal', async () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: pin}\nstringData:\n  password: 48213377\n';
    expect(brief(await checkText(rule, 'pin.yaml', text))).toEqual(['5:3 Secret pin has a literal credential in stringData.password']);
  });

  it('reads helmfile values templates as values', async () => {
    const text = 'auth:\n  password: {{ requiredEnv "DB_PASSWORD" | quote }}\n  apiToken: tok3n-hunter2-value\n';
    expect(brief(await checkText(rule, 'helmfile/values.yaml.gotmpl', text))).toEqual(['3:3 Helm values set a literal credential in auth.apiToken']);
  });

  it('uses the configured credential-like names', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      env:\n        - {name: CARD_PIN, value: "48213377"}\n        - {name: DB_PASSWORD, value: hunter2hunter2}\n';
    const isCredentialKey = credentialKeyMatcher({ include: ['(^|_)pin$'], exclude: [] });
    expect((await checkText(rule, 'p.yaml', text, { isCredentialKey })).map((f) => f.message)).toEqual(['Pod p has a literal credential in container app env CARD_PIN']);
    expect((await checkText(rule, 'p.yaml', text)).map((f) => f.message)).toEqual(['Pod p has a literal credential in container app env DB_PASSWORD']);
    expect(DEFAULT_CREDENTIAL_KEY_PATTERNS.include.length).toBeGreaterThan(0);
  });

  it('takes organisation placeholders and the ConfigMap switch from its options', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  API_TOKEN: set-in-vault-please\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: set-in-vault-please\n';
    expect(await checkText(rule, 'c.yaml', text)).toHaveLength(2);
    expect(await checkText(rule, 'c.yaml', text, { options: { placeholders: ['^set-in-vault'] } })).toEqual([]);
    expect((await checkText(rule, 'c.yaml', text, { options: { configMaps: false } })).map((f) => f.object?.kind)).toEqual(['Secret']);
    await expect(checkText(rule, 'c.yaml', text, { options: { placeholders: ['(unclosed'] } })).rejects.toThrow(/placeholders\[0\] is not a valid regular expression/);
  });

  it('prefilters on raw text without missing the structures it checks', () => {
    const interest = rule.meta.interest!;
    expect(interest.test('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n')).toBe(false);
    expect(interest.test('apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n')).toBe(false);
    for (const text of ['kind: Secret', 'secretGenerator:', '    env:\n', 'createSecret: true', `x: ${samples.awsKeyId}`, 'k: -----BEGIN PRIVATE KEY-----', 'apiKey: x', 'DB_PASS: y']) {
      expect(interest.test(text), text).toBe(true);
    }
  });

  it('never puts a value or any part of it in a finding', async () => {
    const secret = canary('inline');
    const docs = [
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: ${secret}\ndata:\n  api-key: ${b64(secret)}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      env:\n        - {name: DB_PASSWORD, value: ${secret}}\n        - {name: DATABASE_URL, value: "postgres://u:${secret}@db/app"}`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source:\n    helm:\n      parameters:\n        - {name: auth.password, value: ${secret}}\n      values: |\n        token: ${secret}\n      valuesObject:\n        apiKey: ${secret}`,
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: g\n    literals: ["PASSWORD=${secret}"]`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  TOKEN: ${secret}\n  note: ${samples.github}\n# ${samples.jwt}`,
    ];
    const findings = await checkText(rule, 'leak.yaml', docs.join('\n---\n') + '\n');
    expect(findings).toHaveLength(11);
    const out = findings.map((f) => JSON.stringify(f));
    expectNoLeak(out, secret);
    for (const token of [samples.github, samples.jwt]) {
      for (let i = 0; i + 8 <= token.length; i += 4) expect(out.join('\n')).not.toContain(token.slice(i, i + 8));
    }
  });

  it('honours a reasoned ignore annotation on a List item, and only on that item', async () => {
    const item = (name: string, ann: string) =>
      `  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: ${name}\n${ann}    stringData:\n      password: hunter2hunter2\n`;
    const text = `apiVersion: v1\nkind: List\nitems:\n${item('kept', '      annotations: {secretops.dev/ignore: "no-inline-secret -- kind demo"}\n')}${item('found', '')}`;
    expect((await checkText(rule, 'list.yaml', text)).map((f) => f.object?.name)).toEqual(['found']);
  });

  it('honours a reasoned ignore annotation on the object', async () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo\n  annotations:\n    secretops.dev/ignore: "no-inline-secret -- local kind cluster only"\nstringData:\n  password: hunter2hunter2\n';
    expect(await checkText(rule, 'demo.yaml', text)).toEqual([]);
  });
});
