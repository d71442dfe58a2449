import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { devBootstrapFiles, productionBootstrapFiles } from '../../lib/bootstrap/bundle';
import { clusterNamed, exampleProjectModel, writeFiles } from './script-harness';

const project = exampleProjectModel();

describe('generated bootstrap scripts', () => {
  it.each([
    ['dev', () => devBootstrapFiles(project, clusterNamed(project, 'nonprod')).script],
    ['production', () => productionBootstrapFiles(project, clusterNamed(project, 'prod')).script],
  ])('the %s script passes shellcheck as POSIX sh', (_name, script) => {
    const file = writeFiles({ 'bootstrap.sh': script() })['bootstrap.sh']!;
    // shellcheck exits non-zero with findings; execFileSync then throws with its output.
    const out = execFileSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', file], { encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('are deterministic: same catalog, same bytes', () => {
    const a = devBootstrapFiles(project, clusterNamed(project, 'nonprod'));
    const b = devBootstrapFiles(exampleProjectModel(), clusterNamed(project, 'nonprod'));
    expect(b).toEqual(a);
  });
});
