import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { compileSchema, schemaDiagnostics } from '../catalog/schema';
import { canonicalEnvironment } from '../catalog/layout';
import type { ServiceCatalog, Tier } from '../catalog/types';
import { diagnosticAt, readYamlSource } from '../yaml-source';
import schema from './approval-policy.schema.json';

/**
 * `secretops.approval.yaml` beside the catalog: beside `secretops.config.yaml`, not in `policies/`,
 * where the guardrail rules live.
 */
export const DEFAULT_APPROVAL_POLICY_FILE = 'secretops.approval.yaml';
/** Where the policy lived before; still read when the default file does not exist, so no approval requirement is lost. */
export const LEGACY_APPROVAL_POLICY_FILE = 'policies/approval.yaml';

/**
 * The approval policy file beside the catalog: the default, else the legacy location. Both at once
 * is refused rather than one silently ignored: approval is a safety control.
 */
export function approvalPolicyFile(projectDir: string): string {
  const current = join(projectDir, DEFAULT_APPROVAL_POLICY_FILE);
  const legacy = join(projectDir, LEGACY_APPROVAL_POLICY_FILE);
  if (!existsSync(legacy)) return current;
  if (existsSync(current)) {
    throw new UserError({ file: legacy, message: `both ${DEFAULT_APPROVAL_POLICY_FILE} and ${LEGACY_APPROVAL_POLICY_FILE} exist; one approval policy is read`, hint: `merge ${LEGACY_APPROVAL_POLICY_FILE} into ${DEFAULT_APPROVAL_POLICY_FILE} and delete it` });
  }
  return legacy;
}

export interface ApprovalPolicy {
  readonly file?: string;
  readonly environments: readonly string[];
  readonly tiers: readonly Tier[];
}

const validate = compileSchema(schema);

/** Reads the policy; a missing file means "only what the catalog's `requireApproval` says". */
export function loadApprovalPolicy(file: string, catalog: ServiceCatalog): ApprovalPolicy {
  if (!existsSync(file)) return { environments: [], tiers: [] };
  const src = readYamlSource(file, 'approval policy');
  const problems = schemaDiagnostics(validate, src);
  if (problems.length > 0) throw new UserError(problems);
  const spec = (src.value as { spec: { environments?: string[]; tiers?: Tier[] } }).spec;
  const environments = spec.environments ?? [];
  const unknown = environments.map((e, i) => [e, i] as const).filter(([e]) => !canonicalEnvironment(catalog, e));
  if (unknown.length > 0) {
    throw new UserError(unknown.map(([e, i]) => diagnosticAt(src, `/spec/environments/${i}`, `unknown environment "${e}"`, `use one of: ${catalog.spec.environments.map((x) => x.name).join(', ')}`)));
  }
  return { file, environments: environments.map((e) => canonicalEnvironment(catalog, e)!.environment.name), tiers: spec.tiers ?? [] };
}

/** Whether writes to `environment` (canonical name) need an approver, and the rules that say so. */
export function approvalRequirement(catalog: ServiceCatalog, policy: ApprovalPolicy, environment: string): { required: boolean; reasons: string[] } {
  const env = catalog.spec.environments.find((e) => e.name === environment);
  const reasons: string[] = [];
  if (env?.requireApproval) reasons.push(`catalog: environment ${environment} has requireApproval`);
  if (policy.environments.includes(environment)) reasons.push(`${policy.file}: environment ${environment} is listed`);
  if (env && policy.tiers.includes(env.tier)) reasons.push(`${policy.file}: tier ${env.tier} is listed`);
  return { required: reasons.length > 0, reasons };
}
