import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Parsing allocates several times the size of its input, and V8 grows its heap rather than
 * collect while allocation is fast: a scan of 500 MB peaked above 300 MB of memory with a live set
 * under 50 MB. A full collection after every 32 MB read keeps the peak near the live set, for a
 * few milliseconds each. `gc` is reachable at run time through the expose-gc flag and a fresh
 * context (no command-line flag, which would cost a process re-spawn at start-up).
 */
export function memoryBudget(every = 32 * 1024 * 1024): (bytes: number) => void {
  let read = 0;
  return (bytes) => {
    read += bytes;
    if (read < every) return;
    read = 0;
    collectNow();
  };
}

let gc: (() => void) | undefined;

/** A full collection now (after a phase lets go of much: the next phase reuses the space instead of growing). */
export function collectNow(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

