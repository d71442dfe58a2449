import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Diagnostic, ExitCode, UserError } from '../errors';
import { catalogWarnings } from '../catalog/warnings';
import type { ProjectFiles } from '../catalog/files';
import { loadProject, Project } from '../project/load';
import { buildApp } from './build-app';
import { renderDist, RenderedDist, renderFiles, writeDist } from './dist-writer';
import { BUILT_IN_EXTENSIONS } from './built-in-extensions';
import type { SynthExtensions } from './extensions';
import { ARGOCD_FOLDER, PlanOptions, planSynthesis } from './plan';
import { originRemoteUrl } from './git-remote';

export interface SynthOptions {
  readonly servicesFile: string;
  readonly fixturesDir?: string;
  readonly outdir: string;
  /** @default BUILT_IN_EXTENSIONS */
  readonly extensions?: SynthExtensions;
  /** Directory the catalog path is shown relative to in annotations. @default process.cwd() */
  readonly cwd?: string;
  /** Where the catalog and fixtures are read from (`scan --staged`: the index). @default the disk */
  readonly files?: ProjectFiles;
}

export interface SynthResult {
  readonly outdir: string;
  /** Number of Kubernetes objects written. */
  readonly objects: number;
  /** Number of files written (manifests and component descriptors). */
  readonly files: number;
  /** What the catalog may still get wrong (catalogWarnings), for the caller to print. */
  readonly warnings: readonly Diagnostic[];
}

/**
 * How annotations name the catalog file: relative to the working directory (the repository root when
 * run as `cdk8s synth` or `secretops synth`), with `/` separators, so the output does not depend on
 * where the checkout lives or where `--out` points.
 */
export function catalogSourceName(servicesFile: string, cwd: string): string {
  return relative(cwd, resolve(cwd, servicesFile)).split(sep).join('/');
}

/** The checkout's origin is asked for only when the catalog names no repository (git is not run otherwise). */
function planOptions(project: Project, sourceName: string): PlanOptions {
  const spec = project.catalog.spec;
  const named = spec.argocd?.repoURL !== undefined || spec.github?.repository !== undefined;
  const origin = named ? undefined : originRemoteUrl(dirname(resolve(project.source.file)));
  return { sourceName, ...(origin ? { checkoutRepoURL: origin } : {}) };
}

/** Plans, builds and renders in memory: the pure part of synth (the benchmark and tests call it). */
export function renderProject(project: Project, sourceName: string, extensions: SynthExtensions = BUILT_IN_EXTENSIONS): RenderedDist {
  const plan = planSynthesis(project, planOptions(project, sourceName));
  return renderDist(buildApp(plan, extensions), sourceName);
}

/**
 * `outdir` is replaced as a whole, so refuse a folder that is not synth output: the working
 * directory, one that holds the catalog, or a non-empty folder without the `_argocd/` every dist has.
 */
export function checkOutdir(outdir: string, servicesFile: string, cwd: string): void {
  const target = resolve(cwd, outdir);
  const inside = (child: string) => {
    const rel = relative(target, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  let problem: string | undefined;
  if (inside(resolve(cwd)) || inside(resolve(cwd, servicesFile))) problem = 'it contains the working directory or the catalog';
  else if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, ARGOCD_FOLDER))) problem = 'it is not empty and does not look like synth output';
  if (problem) {
    const shown = relative(cwd, target) || '.';
    throw new UserError({ message: `refusing to replace output folder "${shown}": ${problem}`, hint: 'synth replaces the whole output folder; give --out a dedicated folder such as dist' }, ExitCode.usage);
  }
}

/** Validates the catalog (stopping on errors), synthesizes every chart and replaces `outdir` with the result. */
export function synthesizeCatalog(opts: SynthOptions): SynthResult {
  checkOutdir(opts.outdir, opts.servicesFile, opts.cwd ?? process.cwd());
  const project = loadProject({ servicesFile: opts.servicesFile, fixturesDir: opts.fixturesDir, ...(opts.files ? { files: opts.files } : {}) });
  const sourceName = catalogSourceName(opts.servicesFile, opts.cwd ?? process.cwd());
  const built = buildApp(planSynthesis(project, planOptions(project, sourceName)), opts.extensions ?? BUILT_IN_EXTENSIONS);
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
  return { outdir: opts.outdir, objects, files, warnings: catalogWarnings(project) };
}
