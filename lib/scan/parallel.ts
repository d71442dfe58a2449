import { packageModule } from './package-files';
import { Worker } from 'node:worker_threads';
import type { FileOutcome, WorkerSpec } from './engine';
import type { SourceFile } from './sources';

/**
 * The file pass over worker threads. Files go out in chunks of consecutive files, to whichever
 * thread is free (the main thread takes chunks too); outcomes are put back in file order, so the
 * result does not depend on which thread read what or when.
 */

/** What a worker is started with (see `scan-worker.ts`). */
export interface WorkerInit {
  readonly cwd: string;
  readonly today: string;
  /** The PATH arguments of the scan (the rules' `ctx.roots`). */
  readonly paths: readonly string[];
  readonly spec: WorkerSpec;
  /** The root of the scan's cross-file context (`--context-dir`): the rules' `ctx.roots`, and `ctx.scanned` set. */
  readonly contextRoot?: string;
  /** `ScanOptions.catalogInputs`: the rules' `ctx.catalogInputs`. */
  readonly catalogInputs?: readonly string[];
  /** The main thread had loaded the catalog already: load it before the first file. */
  readonly catalogLoaded: boolean;
  /** Every file of the scan, in scan order; chunks name ranges of it. */
  readonly files: readonly { readonly path: string; readonly size: number }[];
  /** Reply with the SHA-256 of the bytes each outcome was made from (`--cache`). */
  readonly digests?: boolean;
}

export interface ChunkRequest {
  readonly chunk: number;
  readonly from: number;
  readonly to: number;
}

export interface ChunkReply {
  readonly chunk: number;
  readonly outcomes: readonly FileOutcome[];
  /** With `WorkerInit.digests`: per outcome, the digest of the bytes read (hex), if any were read. */
  readonly digests?: readonly (string | undefined)[];
  /** The worker loaded the catalog because a rule asked for it. */
  readonly catalogWanted: boolean;
}

/** Young generation of a worker, in MB. */
const WORKER_YOUNG_MB = 8;

/** Files per chunk: large enough that messages cost little, small enough to keep threads busy to the end. */
const CHUNK = 48;

/** Chunks handed to a worker before its first reply (`passInWorkers`). */
const IN_FLIGHT = 2;

export async function passInWorkers(
  inputs: readonly SourceFile[],
  threads: number,
  init: Omit<WorkerInit, 'files'>,
  local: (src: SourceFile) => Promise<FileOutcome>,
): Promise<{ outcomes: FileOutcome[]; digests: (string | undefined)[]; catalogWanted: boolean }> {
  const chunks: ChunkRequest[] = [];
  for (let from = 0, chunk = 0; from < inputs.length; from += CHUNK, chunk++) chunks.push({ chunk, from, to: Math.min(inputs.length, from + CHUNK) });
  const outcomes: FileOutcome[] = new Array(inputs.length);
  const digests: (string | undefined)[] = new Array(inputs.length);
  let next = 0;
  let catalogWanted = false;
  const workerInit: WorkerInit = { ...init, files: inputs.map((f) => ({ path: f.path, size: f.size })) };
  // The modules' worker, also for the bundled CLI: a worker is an isolate of its own, so nothing
  // it loads is a second copy of the main thread's modules.
  const entry = packageModule('lib/scan/scan-worker.js');
  // Every thread's heap counts towards the process's memory: a small young generation keeps each
  // worker's garbage small (measured on 100,000 documents: 510 MB peak with defaults).
  const start = () => new Worker(entry, { workerData: workerInit, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  const workers = Array.from({ length: threads - 1 }, start);
  try {
    const done = workers.map(
      (worker) =>
        new Promise<void>((resolveWorker, reject) => {
          // Two chunks in flight per worker: the next one waits in the worker's queue while the
          // main thread reads a chunk of its own, since replies are handled only between its
          // chunks (with one, a worker idled a third of a two-thread scan of x20 waiting for work).
          let inFlight = 0;
          const dispatch = () => {
            while (inFlight < IN_FLIGHT && next < chunks.length) {
              worker.postMessage(chunks[next++]);
              inFlight++;
            }
            if (inFlight === 0) resolveWorker();
          };
          worker.on('message', (reply: ChunkReply) => {
            const c = chunks[reply.chunk]!;
            reply.outcomes.forEach((o, i) => (outcomes[c.from + i] = o));
            reply.digests?.forEach((d, i) => (digests[c.from + i] = d));
            catalogWanted ||= reply.catalogWanted;
            inFlight--;
            dispatch();
          });
          worker.once('error', reject);
          worker.once('exit', (code) => (next >= chunks.length && inFlight === 0 && code === 0 ? resolveWorker() : reject(new Error(`scan worker exited with code ${code}`))));
          worker.once('online', dispatch);
        }),
    );
    // The main thread reads chunks too, yielding between them so that replies are handled and
    // free workers get the next chunk.
    while (next < chunks.length) {
      const c = chunks[next++]!;
      for (let i = c.from; i < c.to; i++) outcomes[i] = await local(inputs[i]!);
      await new Promise<void>((r) => setImmediate(r));
    }
    await Promise.all(done);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { outcomes, digests, catalogWanted };
}
