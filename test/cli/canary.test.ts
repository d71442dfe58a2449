import { describe, expect, it } from 'vitest';
import { canary, expectNoLeak } from '../support/canary';
import { runSecretops } from '../support/cli';
import { appendFile, editFile } from '../support/edit';
import { exampleProject } from '../support/tmp';

/**
 * Plants canary values wherever the project may hold a value (non-secret fixture `value:`s in
 * environment and shared fixtures, and a catalog `default`) and proves that no command prints any
 * of them, on success or on failure.
 */
function plantedProject(): { dir: string; secrets: string[] } {
  const dir = exampleProject();
  const secrets = [canary('dev-value'), canary('ai-value'), canary('shared-value'), canary('default')];
  editFile(dir, 'fixtures/dev.yaml', 'DATABASE_POOL_SIZE: { value: "5" }', `DATABASE_POOL_SIZE: { value: "${secrets[0]}" }`);
  editFile(dir, 'fixtures/ai.yaml', '    ai/db-migrations:\n', `    ai/agents-runtime-extra:\n      CODEXK8S_LOG_LEVEL: { value: "${secrets[1]}" }\n    ai/db-migrations:\n`);
  appendFile(dir, 'fixtures/shared.yaml', `    shared/agents-runtime:\n      CODEXK8S_LOG_LEVEL: { value: "${secrets[2]}" }\n`);
  editFile(dir, 'services.yaml', '              default: ameide-transformation\n', `              default: ${secrets[3]}\n`);
  return { dir, secrets };
}

async function outputsOf(dir: string, commands: string[][]): Promise<{ texts: string[]; codes: number[] }> {
  const texts: string[] = [];
  const codes: number[] = [];
  for (const argv of commands) {
    const r = await runSecretops(argv, { cwd: dir });
    texts.push(r.stdout, r.stderr);
    codes.push(r.code);
  }
  return { texts, codes };
}

const EVERY_RESOLVE = ['production', 'ai', 'dev', 'ai-staging'].flatMap((env) => [
  ['resolve', '--env', env],
  ['resolve', '--env', env, '--format', 'json'],
  ['resolve', '--env', env, '--service', 'agents-runtime', '--format', 'json'],
]);

describe('no planted value reaches any output', () => {
  it('of validate, resolve and scaffold on a valid project', async () => {
    const { dir, secrets } = plantedProject();
    appendFile(dir, 'services.yaml', '    - name: billing\n      scope: environment\n      secrets:\n        - name: billing-credentials\n          level: platform\n          keys:\n            - name: STRIPE_API_KEY\n');
    const { texts, codes } = await outputsOf(dir, [
      ['fixtures', 'scaffold', '--dry-run'],
      ['fixtures', 'scaffold'],
      ['validate'],
      ['validate', '--format', 'json'],
      ...EVERY_RESOLVE,
    ]);
    expect(codes).toEqual(codes.map(() => 0));
    expect(texts.join('')).toContain('shared/agents-runtime#CODEXK8S_LOG_LEVEL');
    for (const s of secrets) expectNoLeak(texts, s);
  });

  it('of every command when the project is broken around the values', async () => {
    const { dir, secrets } = plantedProject();
    // An entry that both generates and has a value, a missing required key, and an orphan.
    editFile(dir, 'fixtures/dev.yaml', `DATABASE_POOL_SIZE: { value: "${secrets[0]}" }`, `DATABASE_POOL_SIZE: { generate: random, value: "${secrets[0]}" }`);
    const broken = await outputsOf(dir, [['validate'], ['validate', '--format', 'json'], ['resolve', '--env', 'dev'], ['fixtures', 'scaffold', '--dry-run']]);
    expect(broken.codes.slice(0, 3)).toEqual([1, 1, 1]);
    for (const s of secrets) expectNoLeak(broken.texts, s);

    const other = plantedProject();
    editFile(other.dir, 'fixtures/dev.yaml', '      REDIS_URL: { generate: deterministic }\n', '');
    const unresolved = await outputsOf(other.dir, [['validate'], ['validate', '--format', 'json'], ...EVERY_RESOLVE, ['fixtures', 'scaffold', '--dry-run']]);
    expect(unresolved.codes[0]).toBe(1);
    expect(unresolved.texts.join('')).toContain('REDIS_URL');
    for (const s of other.secrets) expectNoLeak(unresolved.texts, s);
  });
});
