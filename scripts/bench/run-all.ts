/**
 * `npm run bench`: every benchmark, in order, each printing its figures. Add a benchmark by
 * appending it to BENCHMARKS (explicit: no discovery by file name).
 */
import { loadavg } from 'node:os';
import { machine, writeSection } from './results';
import type { Benchmark } from './types';
import { synthBenchmark } from './synth';

const BENCHMARKS: readonly Benchmark[] = [synthBenchmark];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const bench of BENCHMARKS) {
    if (only && bench.name !== only) continue;
    const load = loadavg();
    const result = await bench.run();
    process.stdout.write(`${result.name}\n`);
    const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
    for (const [k, v] of Object.entries(result.figures)) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    if (result.goal) {
      const value = result.figures[result.goal.figure]!;
      process.stdout.write(`  goal: ${result.goal.figure} <= ${result.goal.atMost}: ${value <= result.goal.atMost ? 'met' : 'missed'}\n`);
    }
    // bench/results.json, section per benchmark: the figures with their same-run baselines.
    writeSection(bench.name, { machine: machine(load), name: result.name, figures: result.figures, ...(result.goal ? { goal: { ...result.goal, met: result.figures[result.goal.figure]! <= result.goal.atMost } } : {}) });
  }
}

void main();
