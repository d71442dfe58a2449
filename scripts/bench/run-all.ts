/**
 * `npm run bench`: every benchmark, in order, each printing its figures. Add a benchmark by
 * appending it to BENCHMARKS (explicit: no discovery by file name).
 */
import type { Benchmark } from './types';
import { synthBenchmark } from './synth';

const BENCHMARKS: readonly Benchmark[] = [synthBenchmark];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const bench of BENCHMARKS) {
    if (only && bench.name !== only) continue;
    const result = await bench.run();
    process.stdout.write(`${result.name}\n`);
    const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
    for (const [k, v] of Object.entries(result.figures)) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    if (result.goal) {
      const value = result.figures[result.goal.figure]!;
      process.stdout.write(`  goal: ${result.goal.figure} <= ${result.goal.atMost}: ${value <= result.goal.atMost ? 'met' : 'missed'}\n`);
    }
  }
}

void main();
