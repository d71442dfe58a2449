import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { loadProject } from '../../lib/project/load';
import { renderProject, synthesizeCatalog } from '../../lib/synthesis/synthesize';
import { generatedHeader, YAML_OPTIONS } from '../../lib/synthesis/dist-writer';
import type { Benchmark, BenchResult } from './types';
import { writeGeneratedProject } from './generate-catalog';

const RUNS = 5;

/**
 * Full synth (load and validate the catalog, resolve, plan, build constructs, render, write dist/)
 * of a generated 1,000-service catalog, against the baseline of `yaml.stringify` writing the very
 * same objects to the same files. Median of five interleaved runs each, measured in one process.
 */
export const synthBenchmark: Benchmark = {
  name: 'synth',
  run(): BenchResult {
    const work = mkdtempSync(join(tmpdir(), 'secretops-bench-'));
    try {
      const { servicesFile } = writeGeneratedProject(work, { services: 1000, slots: 3 });
      // Peak memory of synth alone, before the benchmark holds anything of its own.
      synthesizeCatalog({ servicesFile, outdir: join(work, 'dist-warmup'), cwd: work });
      const synthPeakRss = process.resourceUsage().maxRSS;

      // The objects synth writes, as plain data: what yaml.stringify alone has to write. Kept as a
      // JSON string between runs so the baseline's object graph does not weigh on synth's heap.
      const rendered = renderProject(loadProject({ servicesFile }), 'services.yaml');
      const snapshot = JSON.stringify([...rendered.objects]);
      const header = generatedHeader('services.yaml');

      const synthTimes: number[] = [];
      const synthCpu: number[] = [];
      const baselineTimes: number[] = [];
      const baselineCpu: number[] = [];
      let objects = 0;
      let files = 0;
      // Interleaved, so both see the same machine load and the same JIT warmth.
      for (let i = 0; i < RUNS; i++) {
        collectGarbage();
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        // A fresh output folder each run, like `cdk8s synth` (which empties it first) and like the baseline.
        const r = synthesizeCatalog({ servicesFile, outdir: join(work, `dist-${i}`), cwd: work });
        synthTimes.push(performance.now() - t0);
        synthCpu.push(cpuMs(process.cpuUsage(c0)));
        objects = r.objects;
        files = r.files;

        const docsByFile = JSON.parse(snapshot) as [string, object[]][];
        const out = join(work, `baseline-${i}`);
        collectGarbage();
        c0 = process.cpuUsage();
        t0 = performance.now();
        for (const [file, docs] of docsByFile) {
          const path = join(out, file);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, header + docs.map((d) => stringify(d, YAML_OPTIONS)).join('---\n'));
        }
        baselineTimes.push(performance.now() - t0);
        baselineCpu.push(cpuMs(process.cpuUsage(c0)));
      }
      const synthMs = median(synthTimes);
      const baselineMs = median(baselineTimes);
      return {
        name: 'synth (1,000 services, 3 environments, ai with 3 slots)',
        figures: {
          objects,
          files,
          'synth wall time (ms)': Math.round(synthMs),
          'yaml.stringify baseline (ms)': Math.round(baselineMs),
          'ratio synth / baseline': Number((synthMs / baselineMs).toFixed(2)),
          // CPU time is steadier than wall time on a shared machine; printed alongside, not instead.
          'synth CPU time (ms)': Math.round(median(synthCpu)),
          'baseline CPU time (ms)': Math.round(median(baselineCpu)),
          'CPU ratio synth / baseline': Number((median(synthCpu) / median(baselineCpu)).toFixed(2)),
          'synth peak RSS (MiB)': Math.round(synthPeakRss / 1024),
        },
        goal: { figure: 'ratio synth / baseline', atMost: 1.5 },
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

/** Each timed section starts from a collected heap, so neither pays for the other's garbage (`npm run bench` passes --expose-gc). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
