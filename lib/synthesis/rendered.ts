import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synthesizeCatalog, SynthOptions } from './synthesize';

/**
 * Reading back what synth renders, for tools that check it (smoke, the policy report): from a
 * `dist/` folder, or from a fresh synthesis into a temporary folder that is removed afterwards.
 */
export interface RenderedManifest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
  readonly [k: string]: unknown;
}

/** Every YAML object under `dir` (synth output), in a stable order. */
export function readManifests(dir: string): RenderedManifest[] {
  const out: RenderedManifest[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
          const v = doc.toJS() as RenderedManifest | null;
          if (v && typeof v === 'object') out.push(v);
        }
      }
    }
  };
  walk(dir);
  return out;
}

/** The objects synth renders for a catalog (validation errors throw as from synth). */
export function renderedObjects(opts: Omit<SynthOptions, 'outdir'>): RenderedManifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'secretops-rendered-'));
  try {
    synthesizeCatalog({ ...opts, outdir: dir });
    return readManifests(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
