import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * bench/results.json: every benchmark writes its section (figures with the baselines measured in
 * the same run, and the machine's load), the others are kept. Committed, so that a change's effect
 * on performance shows as a diff reviewers can read.
 */
export const RESULTS_FILE = join(resolve(__dirname, '..', '..'), 'bench', 'results.json');

/** Where and under what load a section was measured (a shared machine's load moves wall times). */
export function machine(loadBefore: readonly number[]): Record<string, unknown> {
  return {
    node: process.version,
    cores: cpus().length,
    'load average (1 min) before / after': [round(loadBefore[0]!), round(loadavg()[0]!)],
    date: new Date().toISOString().slice(0, 10),
  };
}

export function writeSection(name: string, section: unknown): void {
  const all = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  all[name] = section;
  const sorted = Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
  process.stdout.write(`\n(written to ${RESULTS_FILE}, section "${name}")\n`);
}

export function round(n: number, digits = 2): number {
  return Number(n.toFixed(digits));
}
