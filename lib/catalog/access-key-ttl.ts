import { parseDuration, formatDuration } from '../duration';
import { quoteInput } from '../quote-input';
import { ExitCode, UserError } from '../errors';
import type { AccessKeySpec } from './types';

/** Documented defaults of `spec.accessKeys` (see catalog/types.ts). */
export const DEFAULT_TTL = '1h';
export const DEFAULT_MAX_TTL = '24h';

export interface TtlPolicy {
  readonly defaultMs: number;
  readonly maxMs: number;
}

/** The catalog's TTL policy; the schema has already checked the duration syntax. */
export function ttlPolicy(spec: AccessKeySpec | undefined): TtlPolicy {
  const defaultMs = parseDuration(spec?.defaultTtl ?? DEFAULT_TTL)!;
  const maxMs = parseDuration(spec?.maxTtl ?? DEFAULT_MAX_TTL)!;
  return { defaultMs, maxMs };
}

/** The TTL to issue with: the requested one (a duration) or the default; never above the maximum. */
export function resolveTtl(requested: string | undefined, policy: TtlPolicy): number {
  if (requested === undefined) return Math.min(policy.defaultMs, policy.maxMs);
  const ms = parseDuration(requested);
  if (ms === undefined || ms <= 0) {
    throw new UserError({ message: `--ttl ${quoteInput(requested)} is not a duration`, hint: 'use e.g. 30m, 2h or 1h30m' }, ExitCode.usage);
  }
  if (ms > policy.maxMs) {
    throw new UserError({ message: `--ttl ${requested} exceeds the maximum of ${formatDuration(policy.maxMs)}`, hint: 'ask for less, or raise spec.accessKeys.maxTtl in the catalog' }, ExitCode.usage);
  }
  return ms;
}
