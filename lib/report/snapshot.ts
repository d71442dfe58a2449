import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Diagnostic, ExitCode, formatDiagnostic, UserError } from '../errors';
import { validateProject, Project } from '../project/load';
import type { Resolution } from '../resolver/resolver';
import { renderedObjects, RenderedManifest } from '../synthesis/rendered';

/**
 * One side of a comparison: the catalog at a git ref (or in the working tree), what the resolver
 * makes of it, and what synth renders from it. Loading never throws for a broken catalog: the
 * report must still say what broke.
 */
export interface Snapshot {
  /** `working tree`, or the ref as given. */
  readonly label: string;
  /** The commit the ref named (undefined for the working tree). */
  readonly commit?: string;
  readonly project?: Project;
  /** Validation and synth problems, formatted (positions, no values). */
  readonly problems: readonly string[];
  /** Every platform-key resolution of every environment (empty when the catalog did not load). */
  readonly resolutions: readonly Resolution[];
  /** Objects synth renders (empty when synth failed). */
  readonly objects: readonly RenderedObject[];
}

export type RenderedObject = RenderedManifest;

export interface SnapshotPaths {
  /** Repository root (git top level). */
  readonly repoRoot: string;
  /** Services file relative to the repository root. @default "services.yaml" */
  readonly servicesFile?: string;
}

function git(repoRoot: string, args: string[], opts: { binary?: boolean } = {}): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: opts.binary ? 'latin1' : 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer | string }).stderr ?? '').split('\n')[0];
    throw new UserError({ message: `git ${args[0]} failed: ${stderr || 'error'}`, hint: 'run the report inside a git repository and check the --base ref' }, ExitCode.usage);
  }
}

export function repoRootOf(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).trim();
}

/** The merge base with the default branch (origin's HEAD, else main, else master). */
export function defaultBase(repoRoot: string): string {
  const candidates: string[] = [];
  try {
    candidates.push(git(repoRoot, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']).trim());
  } catch {
    /* no remote HEAD */
  }
  candidates.push('refs/heads/main', 'refs/heads/master', 'refs/remotes/origin/main', 'refs/remotes/origin/master');
  for (const ref of candidates) {
    try {
      git(repoRoot, ['rev-parse', '--verify', '--quiet', ref]);
      return git(repoRoot, ['merge-base', 'HEAD', ref]).trim();
    } catch {
      /* try the next */
    }
  }
  throw new UserError({ message: 'cannot find the default branch to compare with', hint: 'pass --base REF' }, ExitCode.usage);
}

/**
 * Exports the catalog, fixtures and scanner configuration at `ref` into a temporary folder with
 * `git show`, so neither the checkout nor the index is touched.
 */
function exportAtRef(repoRoot: string, ref: string, servicesFile: string, into: string): boolean {
  const commit = git(repoRoot, ['rev-parse', '--verify', `${ref}^{commit}`]).trim();
  const fixturesDir = join(dirname(servicesFile), 'fixtures').replace(/^\.\//, '');
  const listed = git(repoRoot, ['ls-tree', '-r', '--name-only', '-z', commit, '--', servicesFile, fixturesDir, 'secretops.config.yaml', 'policies/secretops.config.yaml'])
    .split('\0')
    .filter(Boolean);
  for (const path of listed) {
    const text = git(repoRoot, ['show', `${commit}:${path}`]);
    const dest = join(into, path);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
  }
  return listed.includes(servicesFile);
}

function load(label: string, root: string, servicesFile: string, commit?: string): Snapshot {
  const file = join(root, servicesFile);
  const problems: string[] = [];
  const rel = (d: Diagnostic): Diagnostic => ({ ...d, file: d.file ? relative(root, d.file) : d.file });
  let project: Project | undefined;
  try {
    const v = validateProject({ servicesFile: file });
    project = v.project;
    problems.push(...v.diagnostics.map((d) => formatDiagnostic(rel(d))));
  } catch (err) {
    if (err instanceof UserError) problems.push(...err.diagnostics.map((d) => formatDiagnostic(rel(d))));
    else throw err;
  }
  const resolutions = project ? project.catalog.spec.environments.flatMap((e) => project!.resolver.resolveEnvironment(e.name)) : [];
  let objects: RenderedObject[] = [];
  if (project && problems.length === 0) {
    try {
      // cwd: the snapshot root, so annotations name the catalog as `services.yaml` on both sides.
      objects = renderedObjects({ servicesFile: file, cwd: root });
    } catch (err) {
      if (err instanceof UserError) problems.push(...err.diagnostics.map((d) => `synth: ${formatDiagnostic(rel(d))}`));
      else throw err;
    }
  }
  return { label, ...(commit ? { commit } : {}), ...(project ? { project } : {}), problems, resolutions, objects };
}

/** The catalog at a git ref. A ref without a catalog yields an empty snapshot (everything is new). */
export function snapshotAtRef(paths: SnapshotPaths, ref: string): Snapshot {
  const servicesFile = paths.servicesFile ?? 'services.yaml';
  const commit = git(paths.repoRoot, ['rev-parse', '--verify', `${ref}^{commit}`]).trim();
  const dir = mkdtempSync(join(tmpdir(), 'secretops-report-base-'));
  try {
    if (!exportAtRef(paths.repoRoot, commit, servicesFile, dir)) {
      return { label: ref, commit, problems: [`${servicesFile} does not exist at ${ref}`], resolutions: [], objects: [] };
    }
    return load(ref, dir, servicesFile, commit);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The catalog as it is in the working tree. */
export function snapshotOfWorkingTree(paths: SnapshotPaths): Snapshot {
  const servicesFile = paths.servicesFile ?? 'services.yaml';
  if (!existsSync(join(paths.repoRoot, servicesFile))) {
    throw new UserError({ file: servicesFile, message: 'services file does not exist', hint: 'run from the repository root or pass --services' }, ExitCode.usage);
  }
  // Synth reads relative paths; load from a copy so a concurrent edit cannot half-change the input.
  const dir = mkdtempSync(join(tmpdir(), 'secretops-report-head-'));
  try {
    mkdirSync(dirname(join(dir, servicesFile)), { recursive: true });
    cpSync(join(paths.repoRoot, servicesFile), join(dir, servicesFile));
    const fixtures = join(dirname(servicesFile), 'fixtures');
    if (existsSync(join(paths.repoRoot, fixtures))) cpSync(join(paths.repoRoot, fixtures), join(dir, fixtures), { recursive: true });
    return load('working tree', dir, servicesFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
