import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { exampleProject } from '../support/tmp';

describe('secretops bootstrap render', () => {
  it('writes the production script, plan, token policy and seal values of a production cluster', async () => {
    const cwd = exampleProject();
    const r = await runSecretops(['bootstrap', 'render', '--cluster', 'prod', '--out', 'out'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('production bootstrap of cluster prod:');
    for (const f of ['bootstrap.sh', 'bootstrap.json', 'bootstrap-policy.hcl', 'seal.hcl', 'vault-values.yaml']) expect(existsSync(join(cwd, 'out', f)), f).toBe(true);
    expect(existsSync(join(cwd, 'out', 'fixtures.json'))).toBe(false);
    expect(statSync(join(cwd, 'out', 'bootstrap.sh')).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(cwd, 'out', 'bootstrap-policy.hcl'), 'utf8')).toContain('path "sys/auth/kubernetes" {\n  capabilities = ["read", "create", "update", "sudo"]\n}');
    expect(readFileSync(join(cwd, 'out', 'vault-values.yaml'), 'utf8')).toContain('seal "awskms"');
  });

  it('writes the dev script, plan and fixture map of a non-production cluster', async () => {
    const cwd = exampleProject();
    const r = await runSecretops(['bootstrap', 'render', '--cluster', 'nonprod', '--out', 'out'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dev bootstrap of cluster nonprod:');
    expect(JSON.parse(readFileSync(join(cwd, 'out', 'fixtures.json'), 'utf8')).paths.length).toBeGreaterThan(20);
    expect(existsSync(join(cwd, 'out', 'bootstrap-policy.hcl'))).toBe(false);
  });

  it('names the clusters when the one asked for does not exist', async () => {
    const cwd = exampleProject();
    const r = await runSecretops(['bootstrap', 'render', '--cluster', 'staging', '--out', 'out'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown cluster "staging"');
    expect(r.stderr).toContain('use one of: prod, nonprod');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('refuses a fixture path the scripts could not put in a URL, naming the fixture entry', async () => {
    const cwd = exampleProject();
    appendFileSync(join(cwd, 'fixtures', 'dev.yaml'), '    dev/odd path:\n      EXTRA: { value: "1" }\n');
    const r = await runSecretops(['bootstrap', 'render', '--cluster', 'nonprod', '--out', 'out'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dev.yaml /spec/paths/dev~1odd path/EXTRA: fixture path "dev/odd path" is not a plain Vault path');
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('names an --out that cannot be a folder, with exit 2 and no internal error', async () => {
    const cwd = exampleProject();
    const r = await runSecretops(['bootstrap', 'render', '--cluster', 'prod', '--out', 'services.yaml/out'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('services.yaml/out: cannot create the output folder (ENOTDIR)');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
