import { stringify } from 'yaml';
import { RULES } from '../../policies';
import { defaultConfigFile, readConfigSource, resolveConfig, ScanConfig } from '../../lib/scan/config';
import { scan } from '../../lib/scan/engine';
import type { SourceFile } from '../../lib/scan/sources';
import type { Finding, Rule, ScanResult } from '../../lib/scan/types';
import { parseYamlSource } from '../../lib/yaml-source';
import { REPO_ROOT } from './tmp';

/**
 * Scanning for tests: a directory or in-memory files, with chosen rules and configuration, through
 * the real engine (fast path, suppressions, allowlist). Rule helpers use it for corpus and
 * false-positive tests.
 */
export interface TestScanOptions {
  /** @default every rule of policies/index.ts */
  readonly rules?: readonly Rule[];
  /** Configuration fields over the defaults, as they would be written in secretops.config.yaml. */
  readonly config?: Record<string, unknown>;
  /** @default "2026-06-01" */
  readonly today?: string;
  /** Working directory findings are relative to. @default the scanned directory, or the repository */
  readonly cwd?: string;
}

/** The default configuration with `overrides` applied (validated like a user file). */
export function testConfig(overrides: Record<string, unknown> = {}): ScanConfig {
  const defaults = readConfigSource(defaultConfigFile(), REPO_ROOT);
  if (Object.keys(overrides).length === 0) return resolveConfig([defaults]);
  const user = parseYamlSource('secretops.config.yaml', stringify({ apiVersion: 'secretops.dev/v1alpha1', kind: 'ScanConfig', ...overrides }));
  return resolveConfig([defaults, user]);
}

/** Scans a directory on disk (honouring .gitignore and globs, as the CLI does). */
export async function scanDirectory(dir: string, opts: TestScanOptions = {}): Promise<ScanResult> {
  return scan({ cwd: opts.cwd ?? dir, paths: [dir], rules: opts.rules ?? RULES, config: testConfig(opts.config), today: opts.today ?? '2026-06-01' });
}

/** Scans in-memory files, `{ "path/x.yaml": "text" }`, without touching the disk. */
export async function scanFiles(files: Readonly<Record<string, string>>, opts: TestScanOptions = {}): Promise<ScanResult> {
  const sources: SourceFile[] = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, text]) => {
      const buf = Buffer.from(text, 'utf8');
      return { path, size: buf.length, read: () => buf };
    });
  return scan({
    cwd: opts.cwd ?? REPO_ROOT,
    rules: opts.rules ?? RULES,
    config: testConfig(opts.config),
    today: opts.today ?? '2026-06-01',
    sources: { files: sources, warnings: [] },
  });
}

/** `ruleId file:line:col` per finding: compact for `toEqual`. */
export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`);
}
