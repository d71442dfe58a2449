import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, CallToolResult, ListToolsRequestSchema, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from '../catalog/schema';
import { ProjectPaths } from '../catalog/load';
import { loadProject, Project, selectEnvironment, selectService } from '../project/load';
import { isUserError } from '../errors';
import { resolutionsToJson } from '../resolver/format';
import { HttpApprover, NoApprover } from '../sync/approver';
import { ledgerStatus } from '../sync/ledger-status';
import { executeSync, safeReason, SyncOutcome } from '../sync/run';
import { approvalFor, openState, SessionIo, syncDeps } from '../sync/session';
import { approvalKey, fingerprintKey } from '../sync/state';
import { fingerprint } from '../sync/values';
import { destinationId } from '../sync/target';
import { seedFrom } from '../sync/values';
import { VERSION } from '../version';
import { PLAN_INPUT_SCHEMA, PLAN_OUTPUT_SCHEMA, RESOLVE_INPUT_SCHEMA, RESOLVE_OUTPUT_SCHEMA, SYNC_INPUT_SCHEMA, SYNC_OUTPUT_SCHEMA } from './schemas';
import { planFromToolInput, SyncToolInput } from './sync-input';
import { checkField, invalid, ToolError } from './tool-error';
import { clipInput, quoteInput } from '../quote-input';

export const SYNC_TOOL = 'secret.sync.github_k8s';
/** The name earlier agents used; accepted on calls, not listed. */
export const SYNC_TOOL_ALIAS = 'mcp_secret_sync_env';
export const RESOLVE_TOOL = 'secret.resolve';
export const PLAN_TOOL = 'secret.plan';

export const TOOLS: readonly Tool[] = [
  {
    name: SYNC_TOOL,
    title: 'Sync a secret to GitHub and Kubernetes',
    description:
      'Writes one catalog key to a GitHub Actions secret and/or a key of a Kubernetes Secret, with a deterministic, random or provided value. Never returns the value. Returns what was written where, reused=true with message "idempotent_replay" on a replay, or a pending approval: call again with the same idempotency_key once approved. Alias: mcp_secret_sync_env.',
    inputSchema: SYNC_INPUT_SCHEMA as unknown as Tool['inputSchema'],
    outputSchema: SYNC_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  },
  {
    name: RESOLVE_TOOL,
    title: 'Resolve the secrets of an environment',
    description: "The resolver's audit for every platform-level key of an environment (or one service): the sources tried, their tiers and the winner. Names and locations only, never values.",
    inputSchema: RESOLVE_INPUT_SCHEMA as unknown as Tool['inputSchema'],
    outputSchema: RESOLVE_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  },
  {
    name: PLAN_TOOL,
    title: 'Plan a secret sync (dry run)',
    description: 'What secret.sync.github_k8s would write where and why, from the catalog and the local ledger. Contacts neither GitHub nor Kubernetes and writes nothing.',
    inputSchema: PLAN_INPUT_SCHEMA as unknown as Tool['inputSchema'],
    outputSchema: PLAN_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  },
];

const validators: Record<string, ValidateFunction> = {
  [SYNC_TOOL]: compileSchema(SYNC_INPUT_SCHEMA),
  [RESOLVE_TOOL]: compileSchema(RESOLVE_INPUT_SCHEMA),
  [PLAN_TOOL]: compileSchema(PLAN_INPUT_SCHEMA),
};

export interface McpServerOptions {
  readonly io: SessionIo;
  readonly paths: ProjectPaths;
}

/**
 * The secretops MCP server: three tools over the same plan/execute code as `secretops sync`.
 * Arguments are validated against each tool's JSON Schema; refusals are structured
 * (`{error: {code, field, pointer, message, hint}}`); every call is audited; no result, log line
 * or audit record carries a value.
 */
export function createMcpServer(opts: McpServerOptions): Server {
  const server = new Server({ name: 'secretops', version: VERSION }, { capabilities: { tools: {} }, instructions: 'secretops resolves and syncs secrets without showing values. Use secret.plan before secret.sync.github_k8s.' });
  let project: Project | undefined;
  const loadOnce = () => (project ??= loadProject(opts.paths));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...TOOLS] }));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const tool = req.params.name === SYNC_TOOL_ALIAS ? SYNC_TOOL : req.params.name;
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    const { audit } = openState(opts.io);
    const auditRefusal = (err: ToolError) =>
      audit.record({
        event: 'failure',
        operation: clipInput(req.params.name),
        project: project?.catalog.metadata.name ?? '',
        environment: clipInput(typeof args.environment === 'string' ? args.environment : ''),
        result: err.code,
        reason: err.field ? `${err.field}: ${err.message}` : err.message,
      });
    try {
      const validate = validators[tool];
      if (!validate) throw new ToolError('invalid_input', `unknown tool ${quoteInput(req.params.name)}`, undefined, `use one of: ${TOOLS.map((t) => t.name).join(', ')}`);
      if (!validate(args)) throw schemaError(validate.errors ?? []);
      const p = loadOnce();
      const result = tool === SYNC_TOOL ? await syncTool(p, args as unknown as SyncToolInput, req.params.name, opts.io) : tool === PLAN_TOOL ? planTool(p, args as unknown as SyncToolInput, opts.io) : resolveTool(p, args as { environment: string; service?: string }, opts.io);
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    } catch (e) {
      const err = e instanceof ToolError ? e : isUserError(e) ? new ToolError('rejected', e.diagnostics.map((d) => d.message).join('; '), undefined, e.diagnostics[0]?.hint) : new ToolError('internal_error', safeReason(e));
      auditRefusal(err);
      const body = err.toJSON();
      return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
    }
  });
  return server;
}

async function syncTool(project: Project, input: SyncToolInput, operation: string, io: SessionIo): Promise<Record<string, unknown>> {
  const { state, audit, ledger } = openState(io);
  // Derived once: it binds the automatic idempotency key to a provided value, and the approval request to the values written.
  const bindingKey = approvalKey(io.env, state);
  const plan = planFromToolInput(project, input, operation, (env) => approvalFor(project, io, env), (v) => fingerprint(bindingKey, v));
  const approver = io.env.SECRETOPS_APPROVER_URL ? new HttpApprover({ url: io.env.SECRETOPS_APPROVER_URL, token: io.env.SECRETOPS_APPROVER_TOKEN, stateDir: state }) : new NoApprover();
  const deps = await syncDeps(plan, io, { policy: plan.policy, ...(input.secret_value !== undefined ? { provided: input.secret_value } : {}), audit, ledger, state, approver, approvalKey: bindingKey });
  const outcome = await executeSync(plan, { ...deps, waitForApproval: false });
  return syncResult(plan.instance ?? plan.environment, plan.policy, plan.approval.reasons, outcome, plan.keys[0]!.targetKey);
}

function syncResult(environment: string, policy: string, requiredBy: readonly string[], o: SyncOutcome, name: string): Record<string, unknown> {
  const status = o.approval?.status === 'timeout' ? 'timeout' : o.status === 'pending' ? 'pending_approval' : o.status === 'cancelled' ? 'denied' : o.status;
  const message = o.reused
    ? 'idempotent_replay'
    : status === 'pending_approval'
      ? 'approval pending: call again with the same idempotency_key once it is approved'
      : status === 'denied'
        ? 'approval denied: nothing was written'
        : status === 'timeout'
          ? 'approval timed out: nothing was written; call again with the same idempotency_key to ask again'
        : status === 'failed'
          ? 'some targets failed; call again to converge'
          : o.outcomes.some((t) => t.result === 'created' || t.result === 'updated')
            ? 'written'
            : 'unchanged';
  return {
    status,
    reused: o.reused,
    message,
    idempotency_key: o.idempotencyKey,
    environment,
    policy,
    targets: o.outcomes.map((t) => ({ destination: t.destination, target: t.target, name, result: t.result, reason: t.reason })),
    ...(o.approval ? { approval: { status: o.approval.status, ...(o.approval.id ? { request_id: o.approval.id } : {}), required_by: [...requiredBy] } } : {}),
  };
}

function planTool(project: Project, input: SyncToolInput, io: SessionIo): Record<string, unknown> {
  const plan = planFromToolInput(project, input, PLAN_TOOL, (env) => approvalFor(project, io, env));
  const { state, audit, ledger } = openState(io);
  const status = { ...(plan.policy === 'deterministic' && io.env.SECRETOPS_SEED ? { seed: seedFrom(io.env) } : {}), fingerprintKey: fingerprintKey(io.env, state) };
  const key = plan.keys[0]!;
  audit.record({ event: 'request', operation: PLAN_TOOL, project: plan.project, ...(plan.repository ? { repository: plan.repository } : {}), environment: plan.instance ?? plan.environment, policy: plan.policy, idempotencyKey: plan.idempotencyKey, result: 'dry_run' });
  return {
    dry_run: true,
    idempotency_key: plan.idempotencyKey,
    environment: plan.instance ?? plan.environment,
    approval_required: plan.approval.required,
    required_by: [...plan.approval.reasons],
    targets: key.destinations.map((d) => ({ destination: d.kind, target: destinationId(d), name: key.targetKey, ledger: ledgerStatus(ledger, plan, key, destinationId(d), status) })),
    excluded: key.excluded.map((e) => ({ ...e })),
  };
}

function resolveTool(project: Project, input: { environment: string; service?: string }, io: SessionIo): Record<string, unknown> {
  // The CLI's own checks (`secretops resolve`), each refusal naming its field.
  const env = checkField('environment', () => selectEnvironment(project, input.environment));
  if (input.service) checkField('service', () => selectService(project, input.service!));
  const resolutions = project.resolver.resolveEnvironment(input.environment, input.service ? { service: input.service } : {});
  openState(io).audit.record({ event: 'request', operation: RESOLVE_TOOL, project: project.catalog.metadata.name, environment: env.environment.name, result: 'resolved', reason: `${resolutions.length} key(s)` });
  return resolutionsToJson(env.environment.name, resolutions, env.alias) as Record<string, unknown>;
}

/** The first schema error as a ToolError naming the field (ajv messages never quote the data). */
function schemaError(errors: readonly ErrorObject[]): ToolError {
  const e = errors.find((x) => x.keyword === 'additionalProperties' || x.keyword === 'required') ?? errors[0]!;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return invalid(String(p.missingProperty), `missing required field "${String(p.missingProperty)}"`);
  if (e.keyword === 'additionalProperties') return invalid(clipInput(String(p.additionalProperty)), `unknown field ${quoteInput(String(p.additionalProperty))}`, 'see the tool input schema');
  const field = e.instancePath.replace(/^\//, '').split('/')[0] ?? '';
  return invalid(field, `${field} ${e.message ?? 'is invalid'}`);
}
