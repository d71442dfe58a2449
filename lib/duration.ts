import { ExitCode, UserError } from './errors';
import { quoteInput } from './quote-input';

/**
 * Durations as the catalog spells them (`30s`, `5m`, `1h`, `1h30m`; the schema's `duration`
 * pattern). Units: ms, s, m, h.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:[0-9]+(?:ms|s|m|h))+$/;

/** Milliseconds of a duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** A duration given on the command line: a usage error naming the flag when it is not one. */
export function requireDuration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UserError({ message: `${flag} ${quoteInput(text)} is not a duration`, hint: 'write it like 30s, 5m, 1h or 1h30m' }, ExitCode.usage);
  return ms;
}

/** `5400000` -> `1h30m`: the shortest catalog spelling of whole seconds (ms when below a second). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}
