import type { Rule } from '../lib/scan/types';
import { expiredAllowlist } from './expired-allowlist';
import { invalidSuppression } from './invalid-suppression';
import { parseError } from './parse-error';

/**
 * Every scanner rule, in the order findings of equal position are listed and docs/rules.md
 * documents them. Explicit: adding a rule is one import and one entry here, nothing registers
 * itself by being imported.
 */
export const RULES: readonly Rule[] = [
  parseError,
  invalidSuppression,
  expiredAllowlist,
];
