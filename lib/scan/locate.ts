import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Project } from '../project/load';
import { positionOf, YamlSource } from '../yaml-source';
import type { ManifestDocument, RuleReport } from './types';

/**
 * A file the catalog loader read, as findings show it: relative to the scan's working directory,
 * `/`-separated. The loader's relative paths are relative to the process, like every fs call.
 */
export function scanPath(cwd: string, file: string): string {
  const abs = isAbsolute(file) ? file : resolve(file);
  return relative(cwd, abs).split(sep).join('/');
}

/**
 * Where to report about a node of a YAML file the rule read outside the scanned documents (a
 * fixture file): on the scanned document of that file when it was scanned too (so inline
 * suppressions apply), otherwise at the position the file's own source gives.
 */
export function locateInSource(docs: readonly ManifestDocument[], cwd: string, src: YamlSource, pointer: string): Pick<RuleReport, 'doc' | 'file' | 'pointer' | 'position'> {
  const path = scanPath(cwd, src.file);
  const doc = docs.find((d) => d.file.path === path);
  if (doc) return { doc, pointer };
  return { file: { path, text: src.text, kind: 'yaml' }, pointer, position: positionOf(src, pointer) ?? { line: 1, column: 1 } };
}

/**
 * A scanned path as given (`./dist/`, `dist\prod`, or absolute) in one form: relative to the working
 * directory, `/`-separated, `''` for the working directory itself.
 */
export function normaliseRoot(raw: string, cwd = ''): string {
  const rel = isAbsolute(raw) && cwd ? relative(cwd, raw) : raw;
  return rel.replace(/\\/g, '/').replace(/^\.(\/|$)/, '').replace(/\/+$/, '');
}

/** The scanned paths in normal form; none given means the working directory (the CLI's default). */
export function normaliseRoots(roots: readonly string[], cwd = ''): string[] {
  return roots.length === 0 ? [''] : roots.map((r) => normaliseRoot(r, cwd));
}

/** True when one of the scanned paths contains `rel` (relative to the working directory; `../x` is outside all). */
export function rootsContain(roots: readonly string[], rel: string, cwd = ''): boolean {
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return false;
  return normaliseRoots(roots, cwd).some((r) => r === '' || r === rel || rel.startsWith(`${r}/`));
}

/** The catalog's synthesized output (`dist/` beside `services.yaml`, or `override` from the working directory), as findings show it. */
export function catalogDistDir(project: Project, cwd: string, override?: unknown): { abs: string; rel: string } {
  const abs = typeof override === 'string' ? resolve(cwd, override) : join(dirname(resolve(project.source.file)), 'dist');
  return { abs, rel: scanPath(cwd, abs) };
}
