import { ExitCode, UserError } from '../errors';
import { quoteInput } from '../quote-input';

/** What a key is bound to. A request is authorised only when every field matches exactly. */
export interface AccessKeyScope {
  /** The run the key belongs to (also a label value: at most 63 characters). */
  readonly runId: string;
  readonly projectId: string;
  /** The run's Kubernetes namespace (where the key's Secret lives). */
  readonly namespace: string;
  /** Target environment (canonical catalog name, e.g. `ai`). */
  readonly environment: string;
  /** How the run executes, e.g. `agent`, `operator`, `ci`. */
  readonly runtimeMode: string;
}

/** Compared in this order; a denial names the first field that differs. */
export const SCOPE_FIELDS = ['runId', 'projectId', 'namespace', 'environment', 'runtimeMode'] as const satisfies readonly (keyof AccessKeyScope)[];
export type ScopeField = (typeof SCOPE_FIELDS)[number];

const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const RULES: Readonly<Record<ScopeField, { re: RegExp; what: string; flag: string }>> = {
  runId: { re: LABEL_VALUE, what: 'letters, digits, `.`, `_`, `-`, at most 63, starting and ending alphanumeric', flag: '--run-id' },
  projectId: { re: LABEL_VALUE, what: 'letters, digits, `.`, `_`, `-`, at most 63, starting and ending alphanumeric', flag: '--project' },
  namespace: { re: DNS_LABEL, what: 'a Kubernetes namespace name (lower-case DNS label)', flag: '--namespace' },
  environment: { re: DNS_LABEL, what: 'a catalog environment name (lower-case DNS label)', flag: '--env' },
  runtimeMode: { re: DNS_LABEL, what: 'a lower-case DNS label such as `agent` or `operator`', flag: '--mode' },
};

/** Throws a UserError naming each field (and its CLI flag) that is missing or malformed. */
export function checkScope(scope: Partial<Record<ScopeField, unknown>>): AccessKeyScope {
  const problems = SCOPE_FIELDS.flatMap((field) => {
    const v = scope[field];
    const rule = RULES[field];
    if (typeof v !== 'string' || v === '') return [{ message: `scope field ${field} is required`, hint: `pass ${rule.flag}` }];
    if (!rule.re.test(v)) return [{ message: `scope field ${field} ${quoteInput(v)} is not valid: ${rule.what}`, hint: `fix ${rule.flag}` }];
    return [];
  });
  if (problems.length) throw new UserError(problems, ExitCode.usage);
  return Object.fromEntries(SCOPE_FIELDS.map((f) => [f, scope[f]])) as unknown as AccessKeyScope;
}

/**
 * The first field where the request differs from the key's scope. Every field is compared (no
 * early return), so the work done does not depend on which field differs.
 */
export function firstScopeMismatch(bound: AccessKeyScope, request: Partial<AccessKeyScope>): ScopeField | undefined {
  let first: ScopeField | undefined;
  for (const field of SCOPE_FIELDS) {
    const differs = bound[field] !== request[field];
    if (differs && first === undefined) first = field;
  }
  return first;
}
