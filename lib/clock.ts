import { ExitCode, UserError } from './errors';
import { quoteInput } from './quote-input';

/**
 * The one clock for calendar dates (allowlist and exception expiry). Every command that compares
 * dates reads today from here, so `--today` or `SECRETOPS_TODAY` moves all of them at once and no
 * result depends on the machine's date unless the user wants it to.
 */
export const TODAY_ENV = 'SECRETOPS_TODAY';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `value` if it is a real calendar date `YYYY-MM-DD`, else a usage error naming `source`. */
export function parseToday(value: string, source: string): string {
  const m = DATE.exec(value);
  const time = m === null ? NaN : Date.parse(`${value}T00:00:00Z`);
  const valid = !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
  if (!valid) {
    throw new UserError(
      { message: `${source} must be a date like 2026-11-23, not ${quoteInput(value)}`, hint: `write the date as YYYY-MM-DD, or leave ${source} out to use today (UTC)` },
      ExitCode.usage,
    );
  }
  return value;
}

/**
 * Today as `YYYY-MM-DD` (UTC): `explicit` (a `--today` flag) wins, then `SECRETOPS_TODAY`, then
 * the system clock.
 */
export function todayUtc(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return parseToday(explicit, '--today');
  const fromEnv = env[TODAY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseToday(fromEnv, TODAY_ENV);
  return new Date().toISOString().slice(0, 10);
}
