import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParseProblem, parseSlice, splitDocuments } from '../../lib/scan/parse';
import type { Rule, ScanFile } from '../../lib/scan/types';
import { RULES } from '../../policies';
import { canary, expectNoLeak } from '../support/canary';
import { runSecretops } from '../support/cli';
import { fileTree, scanFiles } from '../support/scan';

const tree = (files: Record<string, string | Buffer>) => fileTree(files);

function aliasBomb(levels: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

/** Reports every Secret it sees (with the key name only): the kind of rule that could be tempted to quote values. */
const secretKeys: Rule = {
  meta: { id: 'secret-keys', description: 'test', remediation: 'Nothing to do.', defaultSeverity: 'error', docs: 'x', scope: 'document', interest: /Secret/ },
  checkDocument(doc, _ctx, report) {
    const data = (doc.value as { stringData?: Record<string, unknown> } | null)?.stringData ?? {};
    for (const key of Object.keys(data)) report({ message: `Secret key ${key} holds a literal`, pointer: `/stringData/${key}` });
  },
};

describe('hostile input never crashes or hangs the scan', () => {
  it.each([
    ['an alias bomb', aliasBomb(9), /alias/],
    ['deep flow nesting', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, /nested too deeply|./],
    ['deep block nesting', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n', /./],
    ['invalid YAML', 'a: "unterminated\nb: [1, 2\n', /./],
    ['duplicate keys', 'a: 1\na: 2\n', /duplicate key/],
    ['a tab used for indentation', 'a:\n\tb: 1\n', /./],
  ])('%s becomes a finding or a clean result', async (_what, text, message) => {
    const result = await scanFiles({ 'x.yaml': text });
    const errors = result.findings.filter((f) => f.ruleId === 'parse-error');
    if (errors.length > 0) expect(errors[0]!.message).toMatch(message);
    for (const f of result.findings) expect(f.line).toBeGreaterThan(0);
  });

  it('a duplicate key is a parse error that hides nothing: the document is read as kubectl reads it', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata:\n  password: cXVvYnl0ZQ==\ntype: kubernetes.io/quobyte\n';
    const result = await scanFiles({ 's.yaml': secret });
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['no-inline-secret', 6],
      ['parse-error', 7],
    ]);
    // A repeat inside a value counts too, and the later value is the one checked.
    const twice = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: ${PASSWORD}\n  password: hunter2-literal\n';
    expect((await scanFiles({ 't.yaml': twice })).findings.map((f) => f.ruleId)).toEqual(['no-inline-secret', 'parse-error']);
  });

  it('reports an alias bomb as a parse error', async () => {
    const result = await scanFiles({ 'bomb.yaml': aliasBomb(9) });
    expect(result.findings.map((f) => f.message)).toEqual(['not valid YAML: too many alias expansions (possible alias bomb)']);
  });

  it('reports a merge-key bomb (many merges of one large anchor) as a parse error, in bounded time', async () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `  k${i}: v`).join('\n');
    const merges = Array.from({ length: 3000 }, (_, i) => `m${i}: {<<: *a}`).join('\n');
    const result = await scanFiles({ 'bomb.yaml': `a: &a\n${keys}\n${merges}\n` });
    expect(result.findings.map((f) => f.message)).toEqual(['not valid YAML: too many alias expansions (possible alias bomb)']);
  });

  it('positions a problem js-yaml marks at a negative column (a duplicate key in a flow mapping) where it is', () => {
    const text = 'a: 1\n{:,!t '; // js-yaml: duplicated mapping key, line past the text, column -4
    const file: ScanFile = { path: 'f.yaml', text, kind: 'yaml' };
    const problems = splitDocuments(text).map((s) => parseSlice(file, s)).filter(isParseProblem);
    expect(problems).toEqual([{ message: expect.stringContaining('duplicate'), line: 2, column: 4 }]);
  });

  it('fuzz: splitting and parsing any text yields documents or positioned problems, never an exception', () => {
    const yamlish = fc.string({
      unit: fc.constantFrom('a', 'b', ':', ' ', '\n', '-', '---\n', '...\n', '[', ']', '{', '}', ',', '"', "'", '&x ', '*x', '!t ', '#', '|', '>', '\t', '<<: ', '\u0000', '\ud800', '%YAML 1.2\n', '? '),
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        const file: ScanFile = { path: 'f.yaml', text, kind: 'yaml' };
        const lines = text.split('\n').length;
        for (const slice of splitDocuments(text)) {
          const r = parseSlice(file, slice);
          if (isParseProblem(r)) {
            expect(r.line).toBeGreaterThanOrEqual(1);
            expect(r.line).toBeLessThanOrEqual(lines + 1);
            expect(r.column).toBeGreaterThanOrEqual(1);
          } else {
            const p = r.positionOf('/a/0');
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('fuzz: splitting by marker search agrees with splitting line by line', () => {
    const byLines = (text: string) => {
      const lines = text.split('\n');
      const out: { text: string; startLine: number; index: number }[] = [];
      let start = 0;
      const flush = (end: number) => {
        const body = lines.slice(start, end).join('\n');
        if (/^[ \t]*[^#\s]/m.test(body)) out.push({ text: body, startLine: start, index: out.length });
      };
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (/^---(\s|$)/.test(l)) {
          flush(i);
          const rest = l.slice(3).trim();
          if (rest && !rest.startsWith('#')) {
            lines[i] = '   ' + l.slice(3);
            start = i;
          } else start = i + 1;
        } else if (/^\.\.\.\s*$/.test(l)) {
          flush(i);
          start = i + 1;
        }
      }
      flush(lines.length);
      return out;
    };
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '---', '...', '#', '\r', '-', '.', ' {x: 1}', '\t'), maxLength: 60 });
    fc.assert(
      fc.property(text, (t) => {
        expect(splitDocuments(t)).toEqual(byLines(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzz: the engine turns any file content into findings and warnings only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }), async (bytes, text) => {
        const result = await scanFiles({ 'bytes.yaml': Buffer.from(bytes).toString('latin1'), 'text.json': text, 'more.yaml': text });
        expect(result.version).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('no secret value in any output', () => {
  it.each(['text', 'json', 'sarif', 'markdown'])('--format %s', async (format) => {
    const secret = canary('hunter2');
    const dir = tree({
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${secret}\n`,
      'broken.yaml': `kind: Secret\nstringData:\n  password: "${secret}\n  other: [${secret}\n`,
      'dup.yaml': `kind: Secret\nstringData:\n  password: ${secret}\n  password: ${secret}\n`,
      'tagged.yaml': `kind: Secret\nstringData:\n  password: !<tag:${secret}> x\n  token: *${secret}\n`,
      'bad-indent.yaml': `a:\n  b: ${secret}\n c: ${secret}\n`,
      'flow.json': `{"password": "${secret}", "password": 1}`,
      'ignored.yaml': `kind: Secret\nmetadata:\n  annotations:\n    secretops.dev/ignore: "${secret}"\n`,
      'big.yaml': `password: ${secret}\n${'#'.repeat(2_000_000)}\n`,
      'binary.yaml': Buffer.concat([Buffer.from(`password: ${secret}\n`), Buffer.from([0, 1, 2])]),
      'latin1.yaml': Buffer.concat([Buffer.from(`password: ${secret}\n`), Buffer.from([0xe9])]),
      'templates/t.yaml': `password: {{ .Values.x | default "${secret}" }}\n`,
      'bomb.yaml': `x: ${secret}\n${aliasBomb(9)}`,
    });
    const run = await runSecretops(['scan', '--format', format], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.length).toBeGreaterThan(0);
    expectNoLeak([run.stdout, run.stderr], secret);
  });

  it('not through a rule reporting key names either, nor through the in-process result', async () => {
    const secret = canary();
    const result = await scanFiles({ 's.yaml': `kind: Secret\nstringData:\n  password: ${secret}\n` }, { rules: [...RULES.filter((r) => r.meta.id === 'parse-error'), secretKeys] });
    expect(result.findings.map((f) => f.message)).toEqual(['Secret key password holds a literal']);
    expectNoLeak([JSON.stringify(result)], secret);
  });

  it('not through a symbolic link leaving the root', async () => {
    const secret = canary();
    const outside = tree({ 's.yaml': `password: ${secret}\n` });
    const dir = tree({ 'a.yaml': 'a: 1\n' });
    symlinkSync(join(outside, 's.yaml'), join(dir, 'link.yaml'));
    const run = await runSecretops(['scan', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toContain('link.yaml: symbolic link leaves the scanned folder: not followed');
    expectNoLeak([run.stdout, run.stderr], secret);
  });
});
