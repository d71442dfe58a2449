import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { contentDigest } from './cache';
import { catalogLoader } from './catalog-loader';
import { loadScanConfig } from './config';
import { CatalogState, CatalogWanted, FileOutcome, filePass, passFile, severityOf, THREAD_GC_BUDGET } from './engine';
import { memoryBudget } from './memory-budget';
import type { Rule } from './types';
import type { ChunkReply, ChunkRequest, WorkerInit } from './parallel';
import type { SourceFile } from './sources';

/**
 * A scan worker (see `parallel.ts`): rebuilds the scan's configuration, rules (from the module
 * the spec names) and catalog loader from the CLI input, then reads the chunks of files it is sent and replies with their outcomes.
 * Notes about the catalog are the main thread's to give (it loads the catalog when a worker did).
 */
async function setup(init: WorkerInit): Promise<(req: ChunkRequest) => Promise<ChunkReply>> {
  const config = await loadScanConfig(init.cwd, init.spec.config);
  // The rule list comes from the module the caller named (the scanner does not import the rules).
  const all = (require(init.spec.rules.module) as Record<string, readonly Rule[]>)[init.spec.rules.export]!;
  const rules = all.filter((r) => severityOf(r, config) !== 'off');
  const project = catalogLoader({ cwd: init.cwd, ...(init.spec.services !== undefined ? { services: init.spec.services } : {}), ...(init.spec.fixtures !== undefined ? { fixtures: init.spec.fixtures } : {}) }, []);
  const catalog: CatalogState = { loaded: false };
  let catalogWanted = false;
  const loadCatalog = async () => {
    catalog.project = await project();
    catalog.loaded = true;
  };
  if (init.catalogLoaded) await loadCatalog();
  const pass = filePass(
    {
      cwd: init.cwd,
      config,
      paths: init.paths,
      staged: false,
      project,
      rules,
      today: init.today,
      ...(init.contextRoot !== undefined ? { contextRoot: init.contextRoot } : {}),
      ...(init.catalogInputs ? { catalogInputs: init.catalogInputs } : {}),
    },
    catalog,
    new Set(init.files.map((f) => f.path)),
  );
  // With --cache the main thread stores an outcome only for the bytes it looked the file up by.
  let lastDigest: string | undefined;
  const sources: SourceFile[] = init.files.map((f) => ({
    path: f.path,
    size: f.size,
    read: () => {
      const bytes = readFileSync(resolve(init.cwd, f.path));
      if (init.digests) lastDigest = contentDigest(bytes);
      return bytes;
    },
  }));
  const collectGarbage = memoryBudget(THREAD_GC_BUDGET);
  return async (req) => {
    const outcomes: FileOutcome[] = [];
    const digests: (string | undefined)[] = [];
    for (let i = req.from; i < req.to; i++) {
      const src = sources[i]!;
      collectGarbage(src.size);
      lastDigest = undefined;
      try {
        outcomes.push(await passFile(src, pass));
      } catch (err) {
        if (!(err instanceof CatalogWanted)) throw err;
        await loadCatalog();
        catalogWanted = true;
        outcomes.push(await passFile(src, pass));
      }
      digests.push(lastDigest);
    }
    return { chunk: req.chunk, outcomes, ...(init.digests ? { digests } : {}), catalogWanted };
  };
}

// Listening at once: requests may arrive while the scan is being set up.
const ready = setup(workerData as WorkerInit);
parentPort!.on('message', (req: ChunkRequest) => {
  ready
    .then((pass) => pass(req))
    .then((reply) => parentPort!.postMessage(reply))
    .catch((err: unknown) => {
      // An internal error: end the worker with it, so the scan fails instead of waiting.
      setImmediate(() => {
        throw err;
      });
    });
});
