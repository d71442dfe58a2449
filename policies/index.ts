import type { Rule } from '../lib/scan/types';
import { expiredAllowlist } from './expired-allowlist';
import { invalidSuppression } from './invalid-suppression';
import { noInlineSecret } from './no-inline-secret';
import { noSealedSecret } from './no-sealed-secret';
import { parseError } from './parse-error';

/**
 * Every scanner rule, in the order docs/rules.md, `--format json` and SARIF list them. Explicit: adding a rule is one import and one entry here, nothing registers
 * itself by being imported.
 */
export const RULES: readonly Rule[] = [
  noInlineSecret,
  noSealedSecret,
  parseError,
  invalidSuppression,
  expiredAllowlist,
];
