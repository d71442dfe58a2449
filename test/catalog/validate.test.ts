import { renameSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canary, expectNoLeak } from '../support/canary';
import { runSecretops } from '../support/cli';
import { appendFile, editFile, expectNoStack, expectValidationErrors, positionIn } from '../support/edit';
import { exampleProject } from '../support/tmp';

/**
 * Every bad case of the catalog contract, each made by a small edit of the example project, with
 * the exact file:line:column, JSON pointer, message and hint `secretops validate` must print.
 */
const CATALOG = 'services.yaml';
const validate = (dir: string, ...args: string[]) => runSecretops(['validate', ...args], { cwd: dir });
const ENVS = 'use one of: production, ai, dev';

/** Edits one file of a fresh example project; validate must report exactly this one diagnostic. */
async function rejectsEdit(
  file: string,
  from: string,
  to: string,
  expected: { needle: string; nth?: number; shift?: number; pointer?: string; message: string; hint: string },
): Promise<void> {
  const dir = exampleProject();
  editFile(dir, file, from, to);
  const { needle, nth, shift, ...rest } = expected;
  expectValidationErrors(await validate(dir), [{ file: join(dir, file), at: positionIn(dir, file, needle, { nth, shift }), ...rest }]);
}

describe('validate accepts', () => {
  it('the example project', async () => {
    const dir = exampleProject();
    const r = await validate(dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${join(dir, CATALOG)}: valid (12 services, 3 environments, 4 fixture files)\n`);
    expect(r.code).toBe(0);
  });

  it('a fixture file named .yml', async () => {
    const dir = exampleProject();
    renameSync(join(dir, 'fixtures', 'dev.yaml'), join(dir, 'fixtures', 'dev.yml'));
    expect((await validate(dir)).code).toBe(0);
  });

  it('a namespace template for an environment-scoped service', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '    - name: pgadmin\n      scope: environment\n', '    - name: pgadmin\n      scope: environment\n      namespace: "{instance}-tools"\n');
    expect((await validate(dir)).code).toBe(0);
  });
});

describe('validate rejects the schema cases', () => {
  it('an unknown field, pointing at the key and listing the allowed ones', () =>
    rejectsEdit(CATALOG, '      domain: dev.ameide.dev\n', '      domain: dev.ameide.dev\n      colour: blue\n', {
      needle: 'colour',
      pointer: '/spec/environments/2/colour',
      message: 'unknown field "colour"',
      hint: 'allowed here: name, tier, cluster, domain, slots, allowBypass, requireApproval, ingressAuth, signIn',
    }));

  it.each([
    ['an integer', '      slots: 3\n', '      slots: three\n', 'three', '/spec/environments/1/slots', 'must be an integer', 'change the value to an integer'],
    ['a boolean', '            - name: SENTRY_DSN\n              optional: true\n', '            - name: SENTRY_DSN\n              optional: "yes"\n', '"yes"', '/spec/services/0/secrets/0/keys/2/optional', 'must be a boolean', 'change the value to a boolean'],
    ['a string', '      domain: ai.ameide.dev\n', '      domain: [ai.ameide.dev]\n', '[ai.ameide.dev]', '/spec/environments/1/domain', 'must be a string', 'change the value to a string'],
    ['an enum', '      tier: dev\n', '      tier: development\n', 'development', '/spec/environments/2/tier', 'must be one of: production, staging, dev, ci, ephemeral', 'pick one of the listed values'],
  ])('a wrong type (%s)', (_what, from, to, needle, pointer, message, hint) => rejectsEdit(CATALOG, from, to, { needle, pointer, message, hint }));

  it('an empty file, at its start', async () => {
    const dir = exampleProject();
    writeFileSync(join(dir, CATALOG), '# nothing yet\n');
    expectValidationErrors(await validate(dir), [{ file: join(dir, CATALOG), at: { line: 1, column: 1 }, message: 'must be an object', hint: 'change the value to an object' }]);
  });

  it('a missing required field', () =>
    rejectsEdit(CATALOG, '      domain: dev.ameide.dev\n', '', {
      needle: 'name: dev\n',
      pointer: '/spec/environments/2',
      message: 'missing required field "domain"',
      hint: 'add "domain"',
    }));
});

describe('validate rejects duplicates', () => {
  it('two services with one name, at the second', () =>
    rejectsEdit(CATALOG, '    - name: graph\n', '    - name: threads\n', {
      needle: '- name: threads\n', nth: 2, shift: 8,
      pointer: '/spec/services/5/name',
      message: 'duplicate service name "threads" (first at /spec/services/3)',
      hint: 'give each service a unique name',
    }));

  it('two secrets with one name in a service', () =>
    rejectsEdit(CATALOG, '- name: platform-db-credentials\n', '- name: platform-session\n', {
      needle: 'platform-session', nth: 2,
      pointer: '/spec/services/4/secrets/1/name',
      message: 'duplicate secret name "platform-session" in service "platform"',
      hint: 'merge the two entries or rename one',
    }));

  it('two environments with one name', () =>
    rejectsEdit(CATALOG, '    - name: dev\n', '    - name: ai\n', {
      needle: '    - name: ai\n', nth: 2, shift: 12,
      pointer: '/spec/environments/2/name',
      message: 'duplicate environment name "ai" (first at /spec/environments/1)',
      hint: 'give each environment a unique name',
    }));

  it('two Secrets with one name in one namespace, listing every cluster/namespace once', () =>
    rejectsEdit(CATALOG, '- name: threads-credentials\n', '- name: graph-db-credentials\n', {
      needle: 'graph-db-credentials', nth: 2,
      pointer: '/spec/services/5/secrets/0/name',
      message:
        'Secret "graph-db-credentials" of service "threads" collides with the one of service "graph" (/spec/services/3/secrets/0/name) in prod/production, nonprod/ai-slot-1, nonprod/ai-slot-2, nonprod/ai-slot-3, nonprod/dev (cluster/namespace)',
      hint: 'rename one of the Secrets or give one service another namespace',
    }));

  it('two singletons whose Secrets share the singleton namespace', async () => {
    const dir = exampleProject();
    appendFile(
      dir,
      CATALOG,
      ['    - name: oauth2-proxy-admin', '      scope: infrastructure-singleton', '      secrets:', '        - name: oauth2-proxy-credentials', '          level: platform', '          keys:', '            - name: ADMIN_EMAIL', '              default: ops@ameide.io', ''].join('\n'),
    );
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, 'oauth2-proxy-credentials', { nth: 2 }),
        pointer: '/spec/services/12/secrets/0/name',
        message:
          'Secret "oauth2-proxy-credentials" of service "oauth2-proxy-admin" collides with the one of service "oauth2-proxy" (/spec/services/11/secrets/0/name) in prod/platform, nonprod/platform (cluster/namespace)',
        hint: 'rename one of the Secrets or give one service another namespace',
      },
    ]);
  });

  it('a namespace template that puts the slots of one environment together', () =>
    rejectsEdit(CATALOG, '    - name: pgadmin\n      scope: environment\n', '    - name: pgadmin\n      scope: environment\n      namespace: "{environment}-tools"\n', {
      needle: '"{environment}-tools"',
      pointer: '/spec/services/8/namespace',
      message: 'namespace "{environment}-tools" of service "pgadmin" puts 3 environment instances (ai-slot-1, ai-slot-2, ai-slot-3) in namespace "ai-tools" on cluster "nonprod", so their Secrets would collide',
      hint: 'use a template such as "{instance}-pgadmin" or leave namespace unset (default "{instance}")',
    }));

  it('a namespace template that does not fill in to a DNS label', () =>
    rejectsEdit(CATALOG, '    - name: pgadmin\n      scope: environment\n', '    - name: pgadmin\n      scope: environment\n      namespace: "{instance}-"\n', {
      needle: '"{instance}-"',
      pointer: '/spec/services/8/namespace',
      message: 'namespace "{instance}-" of service "pgadmin" fills in to "production-", which is not a DNS label',
      hint: 'keep to lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit',
    }));

  it('a literal namespace shared by every instance of a service on one cluster', () =>
    rejectsEdit(CATALOG, '    - name: pgadmin\n      scope: environment\n', '    - name: pgadmin\n      scope: environment\n      namespace: tools\n', {
      needle: 'tools',
      pointer: '/spec/services/8/namespace',
      message: 'namespace "tools" of service "pgadmin" puts 4 environment instances (ai-slot-1, ai-slot-2, ai-slot-3, dev) in namespace "tools" on cluster "nonprod", so their Secrets would collide',
      hint: 'use a template such as "{instance}-pgadmin" or leave namespace unset (default "{instance}")',
    }));
});

describe('validate rejects secret resolution mistakes', () => {
  it('an alias to an unknown environment', () =>
    rejectsEdit(CATALOG, '      ai-staging: ai\n', '      ai-staging: staging\n', {
      needle: 'staging\n',
      pointer: '/spec/secretResolution/environmentAliases/ai-staging',
      message: 'alias "ai-staging" points at unknown environment "staging"',
      hint: ENVS,
    }));

  it('an alias chain', () =>
    rejectsEdit(CATALOG, '      ai-staging: ai\n', '      ai-staging: ai\n      preview: ai-staging\n', {
      needle: 'preview: ai-staging', shift: 9,
      pointer: '/spec/secretResolution/environmentAliases/preview',
      message: 'alias "preview" points at alias "ai-staging"; chains and cycles are not allowed',
      hint: 'point it at an environment: production, ai, dev',
    }));

  it('an alias cycle, at each alias in it', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '      ai-staging: ai\n', '      ai-staging: preview\n      preview: ai-staging\n');
    const file = join(dir, CATALOG);
    const hint = 'point it at an environment: production, ai, dev';
    expectValidationErrors(await validate(dir), [
      { file, at: positionIn(dir, CATALOG, 'ai-staging: preview', { shift: 12 }), pointer: '/spec/secretResolution/environmentAliases/ai-staging', message: 'alias "ai-staging" points at alias "preview"; chains and cycles are not allowed', hint },
      { file, at: positionIn(dir, CATALOG, 'preview: ai-staging', { shift: 9 }), pointer: '/spec/secretResolution/environmentAliases/preview', message: 'alias "preview" points at alias "ai-staging"; chains and cycles are not allowed', hint },
    ]);
  });

  it('an alias named like an environment', () =>
    rejectsEdit(CATALOG, '      ai-staging: ai\n', '      ai-staging: ai\n      dev: ai\n', {
      needle: '      dev: ai\n', shift: 6,
      pointer: '/spec/secretResolution/environmentAliases/dev',
      message: 'alias "dev" has the name of an environment',
      hint: 'rename the alias',
    }));

  it('an alias named like an Object.prototype member is an unknown environment, not a crash', () =>
    rejectsEdit(CATALOG, '      ai-staging: ai\n', '      ai-staging: constructor\n', {
      needle: 'constructor',
      pointer: '/spec/secretResolution/environmentAliases/ai-staging',
      message: 'alias "ai-staging" points at unknown environment "constructor"',
      hint: ENVS,
    }));

  it('a key override naming an unknown environment, at the environment key', () =>
    rejectsEdit(CATALOG, '{ ai: GITHUB_OAUTH_CLIENT_ID_AI }', '{ qa: GITHUB_OAUTH_CLIENT_ID_AI }', {
      needle: 'qa:',
      pointer: '/spec/secretResolution/keyOverrides/GITHUB_OAUTH_CLIENT_ID/overrideKeys/qa',
      message: 'override for "GITHUB_OAUTH_CLIENT_ID" names unknown environment "qa"',
      hint: ENVS,
    }));

  it('a key override through an alias is accepted', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '{ ai: GITHUB_OAUTH_CLIENT_ID_AI }', '{ ai-staging: GITHUB_OAUTH_CLIENT_ID_AI }');
    expect((await validate(dir)).code).toBe(0);
  });

  it('a pattern naming an unknown environment', () =>
    rejectsEdit(CATALOG, 'environments: [ai]', 'environments: [ai, qa]', {
      needle: 'qa]',
      pointer: '/spec/secretResolution/patterns/0/environments/1',
      message: 'pattern names unknown environment "qa"',
      hint: ENVS,
    }));

  it('a key override that is the source key itself', () =>
    rejectsEdit(CATALOG, '{ ai: GITHUB_OAUTH_CLIENT_SECRET_AI }', '{ ai: GITHUB_OAUTH_CLIENT_SECRET }', {
      needle: '{ ai: GITHUB_OAUTH_CLIENT_SECRET }', shift: 6,
      pointer: '/spec/secretResolution/keyOverrides/GITHUB_OAUTH_CLIENT_SECRET/overrideKeys/ai',
      message: 'override key for "GITHUB_OAUTH_CLIENT_SECRET" in "ai" is the source key itself',
      hint: 'name a different key, for example GITHUB_OAUTH_CLIENT_SECRET_AI',
    }));

  it.each(['{key}', '{prefix}{name}'])('an override template that yields the source key (%s)', async (template) => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '"{key}_AI"', `"${template}"`);
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, `"${template}"`),
        pointer: '/spec/secretResolution/patterns/0/overrideTemplate',
        message: `override template "${template}" yields the source key itself`,
        hint: 'add a suffix or prefix, e.g. "{key}_AI"',
      },
    ]);
  });

  it('an override template without a placeholder', () =>
    rejectsEdit(CATALOG, '"{key}_AI"', '"CODEXK8S_AI"', {
      needle: '"CODEXK8S_AI"',
      pointer: '/spec/secretResolution/patterns/0/overrideTemplate',
      message: 'override template "CODEXK8S_AI" has no placeholder, so every key would map to one override key',
      hint: 'use {key}, {prefix}, {name}, {ENV}, e.g. "{key}_AI"',
    }));

  it('an override template that makes keys that are not valid key names', () =>
    rejectsEdit(CATALOG, '"{key}_AI"', '"{key} AI"', {
      needle: '"{key} AI"',
      pointer: '/spec/secretResolution/patterns/0/overrideTemplate',
      message: 'override template "{key} AI" makes keys such as "CODEXK8S_EXAMPLE AI", which is not a valid key name',
      hint: 'keep to letters, digits, "_", "." and "-", starting with a letter or "_"',
    }));

  it('an override template with an unknown placeholder', () =>
    rejectsEdit(CATALOG, '"{key}_AI"', '"{KEY}_AI"', {
      needle: '"{KEY}_AI"',
      pointer: '/spec/secretResolution/patterns/0/overrideTemplate',
      message: 'override template uses unknown placeholder(s) {KEY}',
      hint: 'use {key}, {prefix}, {name}, {ENV}',
    }));
});

describe('validate rejects values where only names belong', () => {
  it('a default on a credential-like key, without printing it', async () => {
    const dir = exampleProject();
    const secret = canary('default');
    editFile(dir, CATALOG, '            - name: NEO4J_PASSWORD\n', `            - name: NEO4J_PASSWORD\n              default: ${secret}\n`);
    const r = await validate(dir);
    expectValidationErrors(r, [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, secret),
        pointer: '/spec/services/3/secrets/0/keys/1/default',
        message: 'key "NEO4J_PASSWORD" looks like a credential and cannot have a default in the catalog',
        hint: 'remove the default and provide the value through Vault fixtures (generate: deterministic) or the secret sync',
      },
    ]);
    expectNoLeak([r.stdout, r.stderr, (await validate(dir, '--format', 'json')).stdout], secret);
  });

  it('a fixture with a literal value for a credential-like key, without printing it', async () => {
    const dir = exampleProject();
    const secret = canary('fixture');
    editFile(dir, 'fixtures/dev.yaml', '      NEO4J_PASSWORD: { generate: deterministic }\n', `      NEO4J_PASSWORD: { value: "${secret}" }\n`);
    const r = await validate(dir);
    expectValidationErrors(r, [
      {
        file: join(dir, 'fixtures', 'dev.yaml'),
        at: positionIn(dir, 'fixtures/dev.yaml', `"${secret}"`),
        pointer: '/spec/paths/dev~1graph/NEO4J_PASSWORD/value',
        message: 'fixture dev/graph#NEO4J_PASSWORD is a credential-like key with a literal value',
        hint: 'use `generate: deterministic` (or `random`) so the bootstrap creates it in the cluster',
      },
    ]);
    expectNoLeak([r.stdout, r.stderr], secret);
  });

  it.each([
    ['a value', `{ value: "VALUE" }`, 'value', '"VALUE"'],
    ['a generator', '{ generate: random }', 'generator', 'random'],
  ])('a production inventory entry with %s', async (_what, spec, kind, needle) => {
    const dir = exampleProject();
    const secret = canary('prod');
    const specText = spec.replace('VALUE', secret);
    editFile(dir, 'fixtures/production.yaml', '    production/graph:\n      NEO4J_PASSWORD: {}\n', `    production/graph:\n      NEO4J_PASSWORD: ${specText}\n`);
    const r = await validate(dir);
    expectValidationErrors(r, [
      {
        file: join(dir, 'fixtures', 'production.yaml'),
        at: positionIn(dir, 'fixtures/production.yaml', needle.replace('VALUE', secret)),
        pointer: `/spec/paths/production~1graph/NEO4J_PASSWORD/${kind === 'value' ? 'value' : 'generate'}`,
        message: `production inventory entry production/graph#NEO4J_PASSWORD holds a ${kind}; production inventories hold names only`,
        hint: 'remove it and provision the value in Vault out of band',
      },
    ]);
    expectNoLeak([r.stdout, r.stderr], secret);
  });

  it('a fixture entry that says neither how to generate it nor its value', () =>
    rejectsEdit('fixtures/dev.yaml', '      REDIS_URL: { generate: deterministic }\n', '      REDIS_URL: {}\n', {
      needle: 'REDIS_URL: {}', shift: 11,
      pointer: '/spec/paths/dev~1threads/REDIS_URL',
      message: 'fixture dev/threads#REDIS_URL says neither how to generate it nor its value',
      hint: 'add `generate: deterministic`, `generate: random` or a non-secret `value:`',
    }));
});

describe('validate rejects singletons whose per-environment settings cannot hold', () => {
  it('a per-environment namespace', () =>
    rejectsEdit(CATALOG, '      namespace: platform\n', '      namespace: "{environment}-proxy"\n', {
      needle: '"{environment}-proxy"',
      pointer: '/spec/services/11/namespace',
      message: 'infrastructure singleton "oauth2-proxy" cannot have a per-environment namespace "{environment}-proxy"',
      hint: 'use a fixed namespace such as "platform"',
    }));

  it('bypass paths', () =>
    rejectsEdit(CATALOG, '      namespace: platform\n', '      namespace: platform\n      ingress:\n        host: oauth\n        port: 4180\n        bypassPaths: [/ping]\n', {
      needle: '[/ping]',
      pointer: '/spec/services/11/ingress/bypassPaths',
      message: 'infrastructure singleton "oauth2-proxy" cannot declare bypass paths: they apply to environment instances',
      hint: 'move the bypass paths to the environment-scoped service that serves them',
    }));

  it('one OAuth client for production and a non-production environment on one cluster', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '      cluster: prod\n', '      cluster: nonprod\n');
    // The shared cluster reaches Vault over https, so only the credentials problem remains.
    editFile(dir, CATALOG, '    - name: nonprod\n      ingress: nginx\n      ingressClassName: nginx\n', '    - name: nonprod\n      ingress: nginx\n      ingressClassName: nginx\n      vaultServer: https://vault.vault.svc:8200\n');
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, 'oauth2-proxy\n      scope'),
        pointer: '/spec/services/11/name',
        message: 'infrastructure singleton "oauth2-proxy" would serve production and "dev" on cluster "nonprod" with the same credentials (GITHUB_OAUTH_CLIENT_SECRET, OAUTH2_PROXY_COOKIE_SECRET)',
        hint: 'add keyOverrides or a pattern for "dev" so it gets its own OAuth client',
      },
    ]);
  });
});

describe('validate refuses open doors (locked by default)', () => {
  const OAUTH_SIGN_IN = '      signIn:\n        githubOrg: ameide\n        githubTeams: [platform]\n      secrets:\n        - name: oauth2-proxy-credentials';
  it('an OAuth client that would let any GitHub account sign in', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, OAUTH_SIGN_IN, '      secrets:\n        - name: oauth2-proxy-credentials');
    editFile(dir, CATALOG, '  github:\n    repository: ameide/ameide\n', '  argocd:\n    repoURL: https://git.example/ameide.git\n');
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, 'oauth2-proxy\n      scope'),
        pointer: '/spec/services/11/name',
        message: 'the OAuth client(s) of "oauth2-proxy" for "dev" would let any GitHub account sign in: no signIn restriction',
        hint: 'set signIn (githubOrg, githubTeams, githubRepository or githubUsers) on service "oauth2-proxy" or on the environment, or set spec.github.repository to admit that repository\'s collaborators',
      },
    ]);
  });

  it('but admits the collaborators of spec.github.repository when the catalog states it', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, OAUTH_SIGN_IN, '      secrets:\n        - name: oauth2-proxy-credentials');
    const r = await validate(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const synth = await runSecretops(['synth', '--out', join(dir, 'dist')], { cwd: dir });
    expect(synth.stderr).toBe('');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'dist', 'nonprod', '_cluster', 'oauth2-proxy-dev', 'oauth2-proxy.yaml'), 'utf8')).toContain('- --github-repo=ameide/ameide');
  });

  it('a team slug without an organization', () =>
    rejectsEdit(CATALOG, '        githubOrg: ameide\n        githubTeams: [sre]\n', '        githubTeams: [sre]\n', {
      needle: 'sre]',
      pointer: '/spec/environments/0/signIn/githubTeams/0',
      message: 'team "sre" names no organization and signIn has no githubOrg',
      hint: 'write it as "<org>:sre" or set githubOrg',
    }));

  it('plain http:// towards Vault on a production-tier cluster, unless explicitly allowed', async () => {
    await rejectsEdit(CATALOG, '      vaultServer: https://vault.vault.svc:8200\n', '      vaultServer: http://vault.vault.svc:8200\n', {
      needle: 'http://vault.vault.svc:8200\n    - name: nonprod',
      pointer: '/spec/clusters/0/vaultServer',
      message: 'cluster "prod" runs production-tier environment "production" but reaches Vault over plain HTTP (http://vault.vault.svc:8200): tokens and secrets would cross the network unencrypted',
      hint: 'use an https:// address (the store trusts spec.vault.tls.caProvider), or set spec.vault.allowPlaintextProduction: true behind a mesh that encrypts',
    });
    const dir = exampleProject();
    editFile(dir, CATALOG, '      vaultServer: https://vault.vault.svc:8200\n', '      vaultServer: http://vault.vault.svc:8200\n');
    editFile(dir, CATALOG, '    isolation: environment\n', '    isolation: environment\n    allowPlaintextProduction: true\n');
    expect((await validate(dir)).code).toBe(0);
  });

  it('an environment named like the namespace of the singletons, whose stores would collide', () =>
    rejectsEdit(CATALOG, '    - name: dev\n      tier: dev', '    - name: platform\n      tier: dev', {
      needle: 'platform\n      tier: dev',
      pointer: '/spec/environments/2/name',
      message: 'ClusterSecretStore "ameide-vault-platform" on cluster "nonprod" would serve both environment "platform" and the infrastructure singletons in namespace "platform"',
      hint: 'rename the environment or give the singletons another namespace',
    }));
});

describe('validate rejects YAML that is not valid', () => {
  it('a syntax error, with its position', () =>
    rejectsEdit(CATALOG, '      domain: dev.ameide.dev\n', '      domain: dev: ameide.dev\n', {
      needle: 'dev: ameide.dev',
      message: 'not valid YAML: Nested mappings are not allowed in compact mappings',
      hint: 'fix the YAML syntax at this position',
    }));

  it('a tab as indentation in a fixture file', () =>
    rejectsEdit('fixtures/dev.yaml', '      REDIS_URL:', '\tREDIS_URL:', {
      needle: '\tREDIS_URL',
      message: 'not valid YAML: Tabs are not allowed as indentation',
      hint: 'fix the YAML syntax at this position',
    }));

  it('a duplicate key, at the repeated key', () =>
    rejectsEdit(CATALOG, '      tier: dev\n', '      tier: dev\n      tier: ci\n', {
      needle: 'tier: ci',
      message: 'not valid YAML: duplicate key "tier"',
      hint: 'remove or rename the repeated key',
    }));

  it('a syntax error does not quote the text around it', async () => {
    const dir = exampleProject();
    const secret = canary('yaml');
    editFile(dir, 'fixtures/dev.yaml', '      REDIS_URL: { generate: deterministic }\n', `      REDIS_URL: |${secret}\n        x\n`);
    const r = await validate(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'fixtures', 'dev.yaml')}:${positionIn(dir, 'fixtures/dev.yaml', `|${secret}`).line}:`);
    expectNoLeak([r.stdout, r.stderr], secret);
    expectNoStack(r);
  });

  it('several documents in one file', async () => {
    const dir = exampleProject();
    appendFile(dir, CATALOG, '---\nkind: Other\n');
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, 'kind: Other'),
        message: 'expected one YAML document, found several',
        hint: 'remove the `---` separator and keep a single document',
      },
    ]);
  });
});

describe('validate checks fixtures against the catalog', () => {
  it('a file whose name is not its metadata.name', async () => {
    const dir = exampleProject();
    renameSync(join(dir, 'fixtures', 'dev.yaml'), join(dir, 'fixtures', 'development.yaml'));
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, 'fixtures', 'development.yaml'),
        at: positionIn(dir, 'fixtures/development.yaml', 'dev\n'),
        pointer: '/metadata/name',
        message: 'fixture file declares name "dev" but is not named dev.yaml',
        hint: 'rename the file or set metadata.name to match it',
      },
    ]);
  });

  it('fixtures for an environment the catalog does not have', async () => {
    const dir = exampleProject();
    cpSync(join(dir, 'fixtures', 'dev.yaml'), join(dir, 'fixtures', 'qa.yaml'));
    editFile(dir, 'fixtures/qa.yaml', '  name: dev\n', '  name: qa\n');
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, 'fixtures', 'qa.yaml'),
        at: positionIn(dir, 'fixtures/qa.yaml', 'qa\n'),
        pointer: '/metadata/name',
        message: 'fixtures name an unknown environment "qa"',
        hint: 'use "shared" or one of: production, ai, dev',
      },
    ]);
  });

  it('fixtures of the wrong kind for the tier', () =>
    rejectsEdit('fixtures/production.yaml', 'kind: VaultInventory\n', 'kind: VaultFixtures\n', {
      needle: 'VaultFixtures',
      pointer: '/kind',
      message: 'environment "production" is production tier, so its fixtures must be kind VaultInventory, not VaultFixtures',
      hint: 'production inventories list key names only',
    }));

  it('a required key that resolves nowhere, listing every candidate tried', async () => {
    const dir = exampleProject();
    editFile(dir, 'fixtures/dev.yaml', '      REDIS_URL: { generate: deterministic }\n', '');
    expectValidationErrors(await validate(dir), [
      {
        file: join(dir, CATALOG),
        at: positionIn(dir, CATALOG, 'name: REDIS_URL'),
        pointer: '/spec/services/5/secrets/0/keys/1',
        message: 'dev: key "REDIS_URL" of secret "threads-credentials" (service "threads") resolves nowhere; tried environment secret/dev/threads#REDIS_URL, shared secret/shared/threads#REDIS_URL',
        hint: 'add the key to the fixtures or inventory of this environment (`secretops fixtures scaffold`), mark it optional, or give a non-secret default',
      },
    ]);
  });
});

describe('validate --format json', () => {
  it('reports the same diagnostics as data on stdout, exit 1', async () => {
    const dir = exampleProject();
    editFile(dir, CATALOG, '      ai-staging: ai\n', '      ai-staging: staging\n');
    const r = await validate(dir, '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const at = positionIn(dir, CATALOG, 'staging\n');
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      errors: [
        {
          file: join(dir, CATALOG),
          line: at.line,
          column: at.column,
          pointer: '/spec/secretResolution/environmentAliases/ai-staging',
          message: 'alias "ai-staging" points at unknown environment "staging"',
          hint: ENVS,
        },
      ],
      warnings: [],
    });
  });

  it('says valid for the example', async () => {
    const r = await validate(exampleProject(), '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, errors: [], warnings: [] });
  });
});

describe('validate exits 2 on unreadable input and bad usage', () => {
  it('a services file that does not exist', async () => {
    const dir = exampleProject();
    const r = await validate(dir, '--services', 'nope.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`secretops: ${join(dir, 'nope.yaml')}: services file does not exist\n  hint: check the path, or pass another with --services FILE\n`);
    expectNoStack(r);
  });

  it('a services path that is a directory', async () => {
    const dir = exampleProject();
    const r = await validate(dir, '--services', 'fixtures');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secretops: ${join(dir, 'fixtures')}: services file is a directory\n  hint: check the path, or pass another with --services FILE\n`);
    expectNoStack(r);
  });

  it('a fixtures path that is a file', async () => {
    const dir = exampleProject();
    rmSync(join(dir, 'fixtures'), { recursive: true });
    writeFileSync(join(dir, 'fixtures'), 'not a folder\n');
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secretops: ${join(dir, 'fixtures')}: fixtures path is not a directory\n  hint: pass the fixtures folder with --fixtures DIR\n`);
    expectNoStack(r);
  });

  it('an unreadable fixture file', async () => {
    const dir = exampleProject();
    mkdirSync(join(dir, 'fixtures', 'odd.yaml'));
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secretops: ${join(dir, 'fixtures', 'odd.yaml')}: fixture file is a directory\n  hint: check the path\n`);
    expectNoStack(r);
  });

  it('an unknown --format', async () => {
    const r = await validate(exampleProject(), '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secretops: --format must be one of text, json, not "xml"\n');
    expectNoStack(r);
  });

  it('an unknown option', async () => {
    const r = await validate(exampleProject(), '--colour');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--colour'");
    expectNoStack(r);
  });
});
