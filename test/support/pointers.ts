import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { childPointer } from '../../policies/no-inline-secret/inspection';

/** Files below `dir` whose names match, for tests that read every document of a tree. */
export function filesUnder(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, name));
    else if (name.test(e.name)) out.push(p);
  }
  return out;
}

/** Every pointer of a value, each followed by a missing key and a missing index below it (for position readers). */
export function pointersOf(value: unknown, pointer = '', out: string[] = [], depth = 0): string[] {
  out.push(pointer, childPointer(pointer, 'no-such-key'), childPointer(pointer, 99999));
  if (depth > 40 || !value || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.forEach((v, i) => pointersOf(v, childPointer(pointer, i), out, depth + 1));
  else for (const [k, v] of Object.entries(value)) pointersOf(v, childPointer(pointer, k), out, depth + 1);
  return out;
}
