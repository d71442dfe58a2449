import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliRun } from './cli';

/** Replaces the one occurrence of `from` in `dir/file`; fails the test when there are none or several. */
export function editFile(dir: string, file: string, from: string, to: string): string {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const first = text.indexOf(from);
  if (first < 0 || text.indexOf(from, first + 1) >= 0) throw new Error(`expected exactly one "${from}" in ${file}`);
  const next = text.slice(0, first) + to + text.slice(first + from.length);
  writeFileSync(path, next);
  return next;
}

/** Appends `text` to `dir/file`. */
export function appendFile(dir: string, file: string, text: string): void {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, 'utf8') + text);
}

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * 1-based line and column of the `nth` (1-based) occurrence of `needle` in `dir/file`, plus
 * `shift` characters. Tests state where an error must point by the text found there, not by
 * counting lines by hand.
 */
export function positionIn(dir: string, file: string, needle: string, opts: { nth?: number; shift?: number } = {}): TextPosition {
  const text = readFileSync(join(dir, file), 'utf8');
  let at = -1;
  for (let i = 0; i < (opts.nth ?? 1); i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${opts.nth ?? 1} times in ${file}`);
  }
  at += opts.shift ?? 0;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

export interface ExpectedDiagnostic {
  readonly file: string;
  readonly at: TextPosition;
  readonly pointer?: string;
  readonly message: string;
  readonly hint: string;
}

/** `file:line:col pointer: message` and its hint, as `validate` prints each diagnostic. */
export function diagnosticText(d: ExpectedDiagnostic): string {
  const where = `${d.file}:${d.at.line}:${d.at.column}${d.pointer ? ` ${d.pointer}` : ''}`;
  return `${where}: ${d.message}\n  hint: ${d.hint}\n`;
}

/** `validate` failed with exactly these diagnostics (in order), exit 1, nothing on stdout, no stack. */
export function expectValidationErrors(run: CliRun, expected: readonly ExpectedDiagnostic[]): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(expected.map(diagnosticText).join('') + `${expected.length} error${expected.length === 1 ? '' : 's'}\n`);
  expect(run.code).toBe(1);
  expectNoStack(run);
}

/** No stack trace and no internal-error report in either stream. */
export function expectNoStack(run: CliRun): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
    expect(text).not.toMatch(/internal error/);
  }
}
