import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseError } from '../../policies/parse-error';
import { describe, expect, it } from 'vitest';
import { scan } from '../../lib/scan/engine';
import { RULES } from '../../policies';
import type { Rule } from '../../lib/scan/types';
import { fileTree, findingLines, scanDirectory, scanFiles, testConfig } from '../support/scan';

/** A rule that reports every Kubernetes object it is given: shows which documents reached rules. */
function seesObjects(interest?: RegExp): Rule & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    meta: { id: 'sees-objects', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'document', ...(interest ? { interest } : {}) },
    checkDocument(doc, _ctx, report) {
      seen.push(`${doc.file.path}#${doc.index}`);
      if (doc.object?.kind) report({ message: `saw ${doc.object.kind}`, pointer: '/kind' });
    },
  };
}

describe('walking the working tree', () => {
  it('honours .gitignore (nested too), include and exclude globs, and sorts', async () => {
    const dir = fileTree({
      '.gitignore': 'ignored/\n*.generated.yaml\n',
      'b.yaml': 'kind: B\n',
      'a.yml': 'kind: A\n',
      'notes.txt': 'kind: Text\n',
      'ignored/x.yaml': 'kind: X\n',
      'app/c.generated.yaml': 'kind: C\n',
      'app/.gitignore': 'local.yaml\n',
      'app/local.yaml': 'kind: L\n',
      'app/d.json': '{"kind": "D"}',
      'vendor/e.yaml': 'kind: E\n',
      'node_modules/m/f.yaml': 'kind: F\n',
    });
    const rule = seesObjects();
    const result = await scanDirectory(dir, { rules: [rule], config: { exclude: ['vendor/**', '**/node_modules/**'] } });
    expect(rule.seen).toEqual(['a.yml#0', 'app/d.json#0', 'b.yaml#0']);
    expect(result.stats).toMatchObject({ files: 3, documents: 3 });
  });

  it('does not follow a symbolic link that leaves the scanned folder, and says so', async () => {
    const outside = fileTree({ 'secret.yaml': 'kind: Outside\n' });
    const dir = fileTree({ 'in.yaml': 'kind: Inside\n' });
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'link.yaml'));
    symlinkSync(join(dir, 'in.yaml'), join(dir, 'alias.yaml'));
    const rule = seesObjects();
    const result = await scanDirectory(dir, { rules: [rule] });
    expect(rule.seen).toEqual(['alias.yaml#0', 'in.yaml#0']);
    expect(result.warnings).toEqual([{ file: 'link.yaml', message: 'symbolic link leaves the scanned folder: not followed' }]);
  });

  it('reports files over maxFileSize, binary and non-UTF-8 files as parse-error findings, never as a quiet skip', async () => {
    const dir = fileTree({
      'big.yaml': `kind: Big\ndata: "${'x'.repeat(2000)}"\n`,
      'bin.yaml': Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x00, 0x01]),
      'latin1.yaml': Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]),
      'ok.yaml': '\ufeffkind: Fine\n',
    });
    const rule = seesObjects();
    const result = await scanDirectory(dir, { rules: [rule, parseError], config: { maxFileSize: 1000 } });
    expect(rule.seen).toEqual(['ok.yaml#0']);
    expect(result.warnings).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.file, f.ruleId, f.severity, f.line, f.message])).toEqual([
      ['big.yaml', 'parse-error', 'error', 1, 'not scanned: larger than maxFileSize (2019 > 1000 bytes), so a secret in it would go unseen; split the file or raise maxFileSize'],
      ['bin.yaml', 'parse-error', 'error', 1, 'not scanned: the file holds a NUL byte (binary, or UTF-16/32 without a byte order mark); store manifests as UTF-8 text'],
      ['latin1.yaml', 'parse-error', 'error', 1, 'not scanned: not valid UTF-8; store manifests as UTF-8 text'],
    ]);
    expect(result.stats).toMatchObject({ files: 1, skippedFiles: 3 });
  });
});

describe('the fast path', () => {
  const files = {
    'a.yaml': 'kind: ConfigMap\nmetadata:\n  name: a\n---\nkind: Secret\nmetadata:\n  name: s\n---\nkind: Deployment\n',
    'b.yaml': 'kind: Service\n',
  };

  it('hands a rule only the documents its interest matches', async () => {
    const rule = seesObjects(/kind:\s*Secret/);
    const result = await scanFiles(files, { rules: [rule] });
    expect(rule.seen).toEqual(['a.yaml#1']);
    expect(result.stats).toMatchObject({ documents: 4, parsedDocuments: 1 });
  });

  it('parses every document when a rule has no interest, or parse-error needs a syntax check', async () => {
    const rule = seesObjects();
    expect((await scanFiles(files, { rules: [rule] })).stats.parsedDocuments).toBe(4);
    const narrow = seesObjects(/kind:\s*Secret/);
    const parseError = RULES.find((r) => r.meta.id === 'parse-error')!;
    const result = await scanFiles({ ...files, 'c.yaml': 'x: [\n' }, { rules: [narrow, parseError] });
    expect(narrow.seen).toEqual(['a.yaml#1']);
    expect(findingLines(result.findings)).toEqual(['sees-objects a.yaml:5:7', 'parse-error c.yaml:2:1']);
  });

  it('treats interest patterns with the g flag as stateless', async () => {
    const rule = seesObjects(/kind/g);
    await scanFiles({ 'a.yaml': 'kind: A\n---\nkind: B\n---\nkind: C\n' }, { rules: [rule] });
    expect(rule.seen).toEqual(['a.yaml#0', 'a.yaml#1', 'a.yaml#2']);
  });
});

describe('suppressions and the allowlist', () => {
  const secret = (name: string, ignore?: string) =>
    `kind: Secret\nmetadata:\n  name: ${name}\n${ignore ? `  annotations:\n    secretops.dev/ignore: "${ignore}"\n` : ''}`;

  it('an inline annotation with a reason suppresses and is reported in force', async () => {
    const rule = seesObjects();
    const result = await scanFiles({ 'a.yaml': secret('kept', 'sees-objects -- demo object') + '---\n' + secret('shown') }, { rules: [rule] });
    expect(findingLines(result.findings)).toEqual(['sees-objects a.yaml:7:7']);
    expect(result.suppressions).toEqual([
      { kind: 'inline', rules: ['sees-objects'], reason: 'demo object', file: 'a.yaml', line: 5, column: 27, object: { kind: 'Secret', name: 'kept' }, suppressed: 1 },
    ]);
  });

  it('an allowlist entry covers its path and rule until it expires; an expired one is an error', async () => {
    const rule = seesObjects();
    const expired = RULES.find((r) => r.meta.id === 'expired-allowlist')!;
    const entry = (expires: string) => ({ path: 'demo/**', rule: 'sees-objects', reason: 'demo cluster', expires });
    const files = { 'demo/a.yaml': secret('a'), 'prod/b.yaml': secret('b') };
    const live = await scanFiles(files, { rules: [rule, expired], config: { allowlist: [entry('2026-06-01')] } });
    expect(findingLines(live.findings)).toEqual(['sees-objects prod/b.yaml:1:7']);
    expect(live.suppressions).toEqual([
      { kind: 'allowlist', rules: ['sees-objects'], reason: 'demo cluster', file: 'secretops.config.yaml', line: 4, column: 5, path: 'demo/**', expires: '2026-06-01', suppressed: 1 },
    ]);
    const lapsed = await scanFiles(files, { rules: [rule, expired], config: { allowlist: [entry('2026-05-31')] } });
    expect(findingLines(lapsed.findings)).toEqual(['sees-objects demo/a.yaml:1:7', 'sees-objects prod/b.yaml:1:7']);
    expect(lapsed.suppressions).toEqual([]);
  });

  it('configured severities apply and "off" disables a rule', async () => {
    const rule = seesObjects();
    const f = { 'a.yaml': secret('a') };
    expect((await scanFiles(f, { rules: [rule], config: { rules: { 'sees-objects': 'error' } } })).findings[0]!.severity).toBe('error');
    const off = await scanFiles(f, { rules: [rule], config: { rules: { 'sees-objects': { severity: 'off' } } } });
    expect(off.findings).toEqual([]);
    expect(off.rules).toEqual([]);
  });

  it('passes rule options and the credential-key patterns from the configuration', async () => {
    let seen: unknown;
    const probe: Rule = {
      meta: { id: 'probe', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'file' },
      checkFile(_f, ctx) {
        seen = { options: ctx.options, pin: ctx.isCredentialKey('pin'), password: ctx.isCredentialKey('password') };
      },
    };
    await scanFiles({ 'a.yaml': 'a: 1\n' }, { rules: [probe], config: { rules: { probe: { options: { depth: 2 } } }, credentialKeys: { extraInclude: ['^pin$'] } } });
    expect(seen).toEqual({ options: { depth: 2 }, pin: true, password: true });
  });
});

describe('results', () => {
  it('are byte-identical across runs', async () => {
    const files = { 'b.yaml': 'kind: B\n', 'a.yaml': 'kind: A\n---\nx: [\n' };
    const a = await scanFiles(files, { rules: [...RULES, seesObjects()] });
    const b = await scanFiles(files, { rules: [...RULES, seesObjects()] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(findingLines(a.findings)).toEqual(['sees-objects a.yaml:1:7', 'parse-error a.yaml:4:1', 'sees-objects b.yaml:1:7']);
  });

  it('runs project rules once with every parsed document', async () => {
    const counted: number[] = [];
    const project: Rule = {
      meta: { id: 'project-probe', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'project' },
      checkProject(docs) {
        counted.push(docs.length);
      },
    };
    await scan({ cwd: '/', rules: [project], config: testConfig(), sources: { files: ['a', 'b'].map((n) => ({ path: `${n}.yaml`, size: 8, read: () => Buffer.from('kind: X\n') })), warnings: [] } });
    expect(counted).toEqual([2]);
  });
});

describe('the catalog', () => {
  it('is loaded only when a rule reads ctx.project, and that rule then sees it', async () => {
    let loads = 0;
    const seen: unknown[] = [];
    const reader: Rule = {
      meta: { id: 'reads-catalog', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'document' },
      checkDocument(doc, ctx) {
        seen.push(`${doc.index}:${(ctx.project as unknown as { name: string } | undefined)?.name}`);
      },
    };
    const project = async () => {
      loads++;
      return { name: 'example' } as never;
    };
    const sources = { files: [{ path: 'a.yaml', size: 16, read: () => Buffer.from('a: 1\n---\nb: 2\n') }], warnings: [] };
    await scan({ cwd: '/', rules: [reader], config: testConfig(), project, sources });
    expect(loads).toBe(1);
    expect(seen).toEqual(['0:example', '1:example']);
    loads = 0;
    await scan({ cwd: '/', rules: RULES, config: testConfig(), project, sources });
    expect(loads).toBe(0);
    const projectReader: Rule = {
      meta: { id: 'project-reader', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'project' },
      checkProject(docs, ctx, report) {
        if (ctx.project) report({ message: `catalog with ${docs.length} documents`, doc: docs[0]! });
      },
    };
    for (const rules of [[projectReader], [projectReader, reader]]) {
      loads = 0;
      const result = await scan({ cwd: '/', rules, config: testConfig(), project, sources });
      expect(loads).toBe(1);
      expect(result.findings.map((f) => f.message)).toEqual(['catalog with 2 documents']);
    }
  });
});

describe('the shipped default configuration', () => {
  it('has a precompiled validator in step with policies/config.schema.json (run `npm run generate:config-validator`)', async () => {
    const { readFileSync } = await import('node:fs');
    const { CONFIG_VALIDATOR_PATH, renderConfigValidator } = await import('../../scripts/generate-config-validator.js');
    const { REPO_ROOT } = await import('../support/tmp.js');
    expect(readFileSync(join(REPO_ROOT, CONFIG_VALIDATOR_PATH), 'utf8')).toBe(renderConfigValidator());
  });

  it('is valid against policies/config.schema.json', async () => {
    const { configDiagnostics, defaultConfigFile, readConfigSource } = await import('../../lib/scan/config.js');
    expect(await configDiagnostics(await readConfigSource(defaultConfigFile(), '/'))).toEqual([]);
  });
});

describe('file kinds', () => {
  it('parses Helm values files (flagged), reads templates as text, and warns about unknown explicit files', async () => {
    const dir = fileTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'chart/values.yaml': 'image: x\n',
      'chart/values-prod.yaml': 'image: y\n',
      'chart/templates/deploy.yaml': 'kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      'chart/templates/_helpers.tpl': '{{- define "x" -}}{{- end -}}\n',
      'other/values.yaml': 'image: z\n',
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
      'notes.txt': 'hello\n',
    });
    const seen: string[] = [];
    const probe: Rule = {
      meta: { id: 'kinds', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'warning', docs: 'x', scope: 'file' },
      checkFile(file) {
        seen.push(`${file.path} ${file.kind}${file.helmValues ? ' helm-values' : ''}`);
      },
    };
    const result = await scan({ cwd: dir, paths: ['.', 'notes.txt'], rules: [probe], config: testConfig() });
    expect(seen).toEqual([
      'chart/Chart.yaml yaml',
      'chart/templates/_helpers.tpl helm-template',
      'chart/templates/deploy.yaml helm-template',
      'chart/values-prod.yaml yaml helm-values',
      'chart/values.yaml yaml helm-values',
      'kustomization.yaml yaml',
      'other/values.yaml yaml',
    ]);
    expect(result.warnings).toEqual([{ file: 'notes.txt', message: 'not a YAML, JSON or Helm template file: skipped' }]);
  });
});
