import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogText } from '../../lib/catalog/load';
import { UserError } from '../../lib/errors';
import { REPO_ROOT } from '../support/tmp';

const example = readFileSync(join(REPO_ROOT, 'services.yaml'), 'utf8');

function diagnosticsOf(text: string) {
  try {
    loadCatalogText('services.yaml', text);
    return [];
  } catch (err) {
    if (err instanceof UserError) return err.diagnostics;
    throw err;
  }
}

describe('catalog checks for access keys', () => {
  it('refuses a default TTL above the maximum, at its position', () => {
    const d = diagnosticsOf(example.replace('defaultTtl: 1h', 'defaultTtl: 13h'));
    expect(d).toEqual([expect.objectContaining({ pointer: '/spec/accessKeys/defaultTtl', line: expect.any(Number), message: 'access-key defaultTtl (13h) exceeds maxTtl (12h)' })]);
  });

  it('refuses "*" inside a path segment', () => {
    const d = diagnosticsOf(example.replace('bypassPaths: [/api/v1/runs/*/bypass]', 'bypassPaths: [/api/v1/runs/run-*/bypass]'));
    expect(d).toEqual([expect.objectContaining({ pointer: '/spec/services/0/ingress/bypassPaths/0', message: expect.stringContaining('uses "*" inside a segment') })]);
  });

  it('accepts the example', () => {
    expect(diagnosticsOf(example)).toEqual([]);
  });
});
