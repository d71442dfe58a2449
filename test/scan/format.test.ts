import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatResult, FORMATS } from '../../lib/scan/format';
import type { ScanResult } from '../../lib/scan/types';
import { RULES } from '../../policies';
import { runSecretops } from '../support/cli';
import { scanFiles } from '../support/scan';
import { tempDir } from '../support/tmp';

const GOLDEN = join(__dirname, 'golden');

/** One result exercising every part of every format: objects or none, both severities, odd characters. */
const RESULT: ScanResult = {
  version: 1,
  findings: [
    {
      ruleId: 'parse-error',
      severity: 'error',
      message: 'not valid YAML: duplicate key in a mapping',
      file: 'apps/broken.yaml',
      line: 7,
      column: 3,
      fingerprint: '0123456789abcdef0123456789abcdef',
    },
    {
      ruleId: 'invalid-suppression',
      severity: 'warning',
      message: 'secretops.dev/ignore has no reason after "--": it suppresses nothing | `odd`',
      file: 'dist/team a/secret.yaml',
      line: 5,
      column: 27,
      object: { apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'team-a' },
      pointer: '/metadata/annotations/secretops.dev~1ignore',
      fingerprint: 'fedcba9876543210fedcba9876543210',
    },
  ],
  stats: { files: 3, documents: 4, parsedDocuments: 4, bytes: 1234, skippedFiles: 1 },
  warnings: [{ file: 'big.yaml', message: 'larger than maxFileSize (2000000 > 1048576 bytes): skipped' }],
  suppressions: [
    { kind: 'inline', rules: ['no-inline-secret'], reason: 'kind demo', file: 'demo/s.yaml', line: 6, column: 27, object: { apiVersion: 'v1', kind: 'Secret', name: 'demo' }, suppressed: 1 },
    { kind: 'allowlist', rules: ['parse-error'], reason: 'vendored chart', file: 'secretops.config.yaml', line: 4, column: 5, path: 'vendor/**', expires: '2027-01-31', suppressed: 0 },
  ],
  // Two rules of the policy, fixed here so the golden files do not change with every new rule.
  rules: RULES.filter((r) => r.meta.id === 'parse-error' || r.meta.id === 'invalid-suppression').map((r) => ({
    id: r.meta.id,
    description: r.meta.description,
    remediation: r.meta.remediation,
    docs: r.meta.docs,
    severity: r.meta.defaultSeverity,
  })),
};

const EXT = { text: 'txt', json: 'json', sarif: 'sarif', markdown: 'md' } as const;

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(FORMATS)('--format %s', (format) => {
  it('matches its golden file', () => {
    golden(`result.${EXT[format]}`, formatResult(format, RESULT, { toolVersion: '0.1.0', help: { 'parse-error': '# parse-error\n\nHelp text.\n' } }));
  });

  it('is byte-identical for the same input', () => {
    expect(formatResult(format, RESULT)).toBe(formatResult(format, structuredClone(RESULT)));
  });
});

describe('text', () => {
  it('colours severities when asked, and only then', () => {
    golden('result.colour.txt', formatResult('text', RESULT, { colour: true }));
    expect(formatResult('text', RESULT)).not.toMatch(/\u001b/);
  });
});

describe('json', () => {
  it('has the issue contract: version, findings with object, stats with files and documents', () => {
    const out = JSON.parse(formatResult('json', RESULT));
    expect(Object.keys(out).slice(0, 3)).toEqual(['version', 'findings', 'stats']);
    for (const f of out.findings) {
      expect(Object.keys(f).slice(0, 7)).toEqual(['ruleId', 'severity', 'message', 'file', 'line', 'column', 'object']);
      expect(typeof f.object).toBe('object');
    }
    expect(out.stats).toMatchObject({ files: 3, documents: 4 });
    expect(out.suppressions).toHaveLength(2);
  });
});

describe('sarif', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid SARIF 2.1.0', () => {
    const ok = validate(JSON.parse(formatResult('sarif', RESULT, { help: { 'parse-error': 'x' } })));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is valid from a real scan through the CLI, with help from the rule READMEs', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'kind: ConfigMap\ndata: [\n');
    const run = await runSecretops(['scan', '--format', 'sarif'], { cwd: dir });
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'parse-error');
    expect(rule.help.markdown).toBe(readFileSync(join(__dirname, '..', '..', 'policies', 'parse-error', 'README.md'), 'utf8'));
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: 'parse-error',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'a.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 1 } } }],
    });
  });

  it('keeps fingerprints stable across unrelated edits', async () => {
    const doc = 'kind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    secretops.dev/ignore: parse-error\n';
    const before = await scanFiles({ 'a.yaml': doc });
    const after = await scanFiles({ 'a.yaml': `# a comment\nkind: Other\n---\n${doc}` });
    expect(after.findings[0]!.line).not.toBe(before.findings[0]!.line);
    expect(after.findings[0]!.fingerprint).toBe(before.findings[0]!.fingerprint);
  });
});
