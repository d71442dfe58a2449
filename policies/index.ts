import type { Rule } from '../lib/scan/types';
import { distDrift } from './dist-drift';
import { expiredAllowlist } from './expired-allowlist';
import { fixtureDrift } from './fixture-drift';
import { invalidSuppression } from './invalid-suppression';
import { missingSecretRef } from './missing-secret-ref';
import { noInlineSecret } from './no-inline-secret';
import { noSealedSecret } from './no-sealed-secret';
import { noUndeclaredBypassRoute } from './no-undeclared-bypass-route';
import { parseError } from './parse-error';
import { prodBootstrapUnsafe } from './prod-bootstrap-unsafe';
import { secretLevelViolation } from './secret-level-violation';
import { singletonDuplicated } from './singleton-duplicated';
import { unknownSecretStore } from './unknown-secret-store';

/**
 * Every scanner rule, in the order docs/rules.md, `--format json` and SARIF list them. Explicit:
 * adding a rule is one import and one entry here, nothing registers itself by being imported.
 * Content rules first, then the catalog-aware and cross-object rules, then the scanner's own.
 */
export const RULES: readonly Rule[] = [
  noInlineSecret,
  noSealedSecret,
  fixtureDrift,
  distDrift,
  unknownSecretStore,
  missingSecretRef,
  prodBootstrapUnsafe,
  singletonDuplicated,
  secretLevelViolation,
  noUndeclaredBypassRoute,
  parseError,
  invalidSuppression,
  expiredAllowlist,
];
