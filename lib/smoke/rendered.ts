import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeCatalog } from '../synth';
import { readManifests } from './targets';

/** The objects synth renders for the catalog, synthesized into a temporary folder and read back. */
export function renderedObjects(servicesFile: string, fixturesDir?: string): ReturnType<typeof readManifests> {
  const dir = mkdtempSync(join(tmpdir(), 'secretops-smoke-'));
  try {
    synthesizeCatalog({ servicesFile, ...(fixturesDir ? { fixturesDir } : {}), outdir: dir });
    return readManifests(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
