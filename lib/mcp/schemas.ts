/**
 * JSON Schemas (draft 2020-12) of the MCP tools' inputs and outputs: what `tools/list` publishes and
 * what the server validates every call against. No schema has a field that returns a value.
 */

const name = (pattern: string, description: string) => ({ type: 'string', minLength: 1, maxLength: 253, pattern, description });

const syncTargetProperties = {
  project_id: { type: 'string', minLength: 1, description: 'The catalog project (metadata.name of services.yaml).' },
  repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', description: 'owner/name of the project repository (spec.github.repository).' },
  environment: { type: 'string', minLength: 1, description: 'Environment name, alias or slot instance (ai-slot-2).' },
  github_secret_name: name('^[A-Za-z_][A-Za-z0-9_]*$', 'GitHub Actions secret to write (the catalog key name; the environment override name is applied).'),
  kubernetes_secret_name: name('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', 'Kubernetes Secret (a catalog secret name).'),
  kubernetes_namespace: name('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', "Namespace of the Secret: the service's namespace in the environment."),
  kubernetes_secret_key: name('^[-._a-zA-Z0-9]+$', 'Key of the Secret (the catalog key name; the environment override name is applied).'),
  policy: { enum: ['deterministic', 'random', 'provided'], description: 'deterministic: HMAC of the server seed; random: CSPRNG; provided: secret_value.' },
  idempotency_key: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$', description: 'Same key and value: nothing is written (idempotent_replay). Default: derived from the other fields.' },
} as const;

export const SYNC_INPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['project_id', 'repository', 'environment', 'policy'],
  properties: {
    ...syncTargetProperties,
    secret_value: { type: 'string', minLength: 1, maxLength: 49152, description: 'Only with policy "provided". Written to the targets, never returned, logged or audited.' },
  },
} as const;

export const PLAN_INPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['project_id', 'repository', 'environment', 'policy'],
  properties: syncTargetProperties,
} as const;

export const RESOLVE_INPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['environment'],
  properties: {
    environment: { type: 'string', minLength: 1, description: 'Environment name or alias.' },
    service: { type: 'string', minLength: 1, description: 'Only this service.' },
  },
} as const;

/** Every tool answers either its result or `{error}`; the client validates both against this. */
const errorShape = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { enum: ['invalid_input', 'rejected', 'internal_error'] },
        field: { type: 'string', description: 'The input field at fault.' },
        pointer: { type: 'string', description: 'JSON pointer of the field in the arguments.' },
        message: { type: 'string' },
        hint: { type: 'string' },
      },
    },
  },
} as const;

const targetShape = {
  type: 'object',
  required: ['destination', 'target', 'name', 'result', 'reason'],
  properties: {
    destination: { enum: ['github', 'kubernetes'] },
    target: { type: 'string' },
    name: { type: 'string', description: 'The secret or key name written (override name where one applies).' },
    result: { type: 'string' },
    reason: { type: 'string' },
  },
} as const;

export const SYNC_OUTPUT_SCHEMA = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      required: ['status', 'reused', 'message', 'idempotency_key', 'environment', 'targets'],
      properties: {
        status: { enum: ['ok', 'failed', 'denied', 'timeout', 'pending_approval'] },
        reused: { type: 'boolean' },
        message: { type: 'string' },
        idempotency_key: { type: 'string' },
        environment: { type: 'string' },
        policy: { type: 'string' },
        targets: { type: 'array', items: targetShape },
        approval: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string' }, request_id: { type: 'string' }, required_by: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    errorShape,
  ],
} as const;

export const PLAN_OUTPUT_SCHEMA = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      required: ['dry_run', 'idempotency_key', 'environment', 'approval_required', 'targets'],
      properties: {
        dry_run: { const: true },
        idempotency_key: { type: 'string' },
        environment: { type: 'string' },
        approval_required: { type: 'boolean' },
        required_by: { type: 'array', items: { type: 'string' } },
        targets: { type: 'array', items: { type: 'object', required: ['destination', 'target', 'name', 'ledger'], properties: { destination: { type: 'string' }, target: { type: 'string' }, name: { type: 'string' }, ledger: { type: 'string' } } } },
        excluded: { type: 'array', items: { type: 'object', properties: { destination: { type: 'string' }, reason: { type: 'string' } } } },
      },
    },
    errorShape,
  ],
} as const;

export const RESOLVE_OUTPUT_SCHEMA = {
  type: 'object',
  oneOf: [
    { type: 'object', required: ['environment', 'resolutions'], properties: { environment: { type: 'string' }, alias: { type: 'string' }, resolutions: { type: 'array', items: { type: 'object' } } } },
    errorShape,
  ],
} as const;
