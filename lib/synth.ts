import { relative, resolve, sep } from 'node:path';
import { loadProject, Project } from './catalog/load';
import { buildApp } from './synthesis/build-app';
import { renderDist, RenderedDist, renderFiles, writeDist } from './synthesis/dist-writer';
import { BUILT_IN_EXTENSIONS, SynthExtensions } from './synthesis/extensions';
import { planSynthesis } from './synthesis/plan';

export interface SynthOptions {
  readonly servicesFile: string;
  readonly fixturesDir?: string;
  readonly outdir: string;
  /** @default BUILT_IN_EXTENSIONS */
  readonly extensions?: SynthExtensions;
  /** Directory the catalog path is shown relative to in annotations. @default process.cwd() */
  readonly cwd?: string;
}

export interface SynthResult {
  readonly outdir: string;
  /** Number of Kubernetes objects written. */
  readonly objects: number;
  /** Number of files written (manifests and component descriptors). */
  readonly files: number;
}

/**
 * How annotations name the catalog file: relative to the working directory (the repository root when
 * run as `cdk8s synth` or `secretops synth`), with `/` separators, so the output does not depend on
 * where the checkout lives or where `--out` points.
 */
export function catalogSourceName(servicesFile: string, cwd: string): string {
  return relative(cwd, resolve(cwd, servicesFile)).split(sep).join('/');
}

/** Plans, builds and renders in memory: the pure part of synth (the benchmark and tests call it). */
export function renderProject(project: Project, sourceName: string, extensions: SynthExtensions = BUILT_IN_EXTENSIONS): RenderedDist {
  const plan = planSynthesis(project, { sourceName });
  return renderDist(buildApp(plan, extensions), sourceName);
}

/** Validates the catalog (stopping on errors), synthesizes every chart and replaces `outdir` with the result. */
export function synthesizeCatalog(opts: SynthOptions): SynthResult {
  const project = loadProject({ servicesFile: opts.servicesFile, fixturesDir: opts.fixturesDir });
  const sourceName = catalogSourceName(opts.servicesFile, opts.cwd ?? process.cwd());
  const built = buildApp(planSynthesis(project, { sourceName }), opts.extensions ?? BUILT_IN_EXTENSIONS);
  let objects = 0;
  let files = 0;
  // Streamed: each file is written to the staging folder as soon as it is rendered.
  writeDist(
    (function* () {
      for (const r of renderFiles(built, sourceName)) {
        objects += r.objects.length;
        files += 1;
        yield [r.file, r.text] as const;
      }
    })(),
    opts.outdir,
  );
  return { outdir: opts.outdir, objects, files };
}
