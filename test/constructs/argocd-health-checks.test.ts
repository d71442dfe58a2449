import { execFileSync } from 'node:child_process';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArgoCdHealthChecks, EXTERNAL_SECRET_HEALTH_KEY, EXTERNAL_SECRET_HEALTH_LUA } from '../../lib/constructs/argocd-health-checks';
import { externalSecretHealth, LiveObject } from '../../lib/rollout/health';

/** A JSON value as a Lua table literal (what Argo CD hands the script as `obj`). */
function luaValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(luaValue).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `[${JSON.stringify(k)}] = ${luaValue(x)}`).join(', ')}}`;
}

/**
 * Argo CD runs health checks in gopher-lua, which implements Lua 5.1
 * (https://github.com/yuin/gopher-lua#readme); 5.4 is kept as a check that nothing relies on 5.1 quirks.
 * `npm test` installs both interpreters (scripts/test-prerequisites.mjs).
 */
const LUA = ['lua5.1', 'lua5.4'] as const;

/** Runs the shipped health script with a real Lua interpreter, as Argo CD's gopher-lua would. */
function runHealth(obj: unknown, lua: string): { status: string; message: string } {
  const program = `local function check(obj)\n${EXTERNAL_SECRET_HEALTH_LUA}\nend\nlocal hs = check(${luaValue(obj)})\nio.write(hs.status, "\\t", hs.message or "")\n`;
  const out = execFileSync(lua, ['-'], { input: program, encoding: 'utf8' });
  const [status, message] = out.split('\t');
  return { status: status!, message: message ?? '' };
}

describe.each(LUA)('the ExternalSecret health check under %s', (lua) => {
  const health = (obj: unknown) => runHealth(obj, lua);
  it('is Progressing until ESO has reported', () => {
    expect(health({ kind: 'ExternalSecret' }).status).toBe('Progressing');
    expect(health({ status: { conditions: [] } }).status).toBe('Progressing');
  });

  it('is Healthy only when Ready is True', () => {
    expect(health({ status: { conditions: [{ type: 'Ready', status: 'True', message: 'secret synced' }] } })).toEqual({ status: 'Healthy', message: 'secret synced' });
    expect(health({ status: { conditions: [{ type: 'Deleted', status: 'True' }] } }).status).toBe('Progressing');
  });

  it("is Degraded with ESO's message when Ready is False", () => {
    expect(health({ status: { conditions: [{ type: 'Ready', status: 'False', message: 'could not get secret data from provider' }] } })).toEqual({
      status: 'Degraded',
      message: 'could not get secret data from provider',
    });
  });

  it('counts Ready=True only when ESO synced the current generation (what the built-in check does not)', () => {
    const ready = { type: 'Ready', status: 'True', message: 'secret synced' };
    expect(health({ metadata: { generation: 3 }, status: { syncedResourceVersion: '3-a1b2', conditions: [ready] } })).toEqual({ status: 'Healthy', message: 'secret synced' });
    expect(health({ metadata: { generation: 4 }, status: { syncedResourceVersion: '3-a1b2', conditions: [ready] } })).toEqual({ status: 'Progressing', message: 'Waiting for ESO to sync the current spec' });
    expect(health({ metadata: { generation: 13 }, status: { syncedResourceVersion: '3-a1b2', conditions: [ready] } }).status).toBe('Progressing');
    expect(health({ metadata: { generation: 2 }, status: { conditions: [ready] } }).status).toBe('Progressing');
    // An error stays an error whatever generation it is about.
    expect(health({ metadata: { generation: 4 }, status: { syncedResourceVersion: '3-a1b2', conditions: [{ type: 'Ready', status: 'False', message: 'x' }] } }).status).toBe('Degraded');
  });

  it('keeps the built-in rule for refreshPolicy OnChange: only a Ready newer than the last refresh counts', () => {
    const obj = (transition: string) => ({
      metadata: { generation: 1 },
      spec: { refreshPolicy: 'OnChange' },
      status: { refreshTime: '2026-01-02T00:00:00Z', syncedResourceVersion: '1-x', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: transition }] },
    });
    expect(health(obj('2026-01-02T00:00:01Z')).status).toBe('Healthy');
    expect(health(obj('2026-01-01T00:00:00Z')).status).toBe('Progressing');
  });

  it('is what the rollout simulator assumes (lib/rollout/health.ts)', () => {
    const cases = [
      { generation: 1, status: {} },
      { generation: 2, status: { syncedResourceVersion: '2-h', conditions: [{ type: 'Ready' as const, status: 'True' as const, message: 'ok' }] } },
      { generation: 3, status: { syncedResourceVersion: '2-h', conditions: [{ type: 'Ready' as const, status: 'True' as const, message: 'ok' }] } },
      { generation: 3, status: { syncedResourceVersion: '3-h', conditions: [{ type: 'Ready' as const, status: 'False' as const, message: 'no key' }] } },
    ];
    for (const c of cases) {
      const live: LiveObject = { manifest: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x' } }, status: c.status, generation: c.generation };
      const lua = health({ metadata: { generation: c.generation }, status: c.status });
      const ts = externalSecretHealth(live);
      expect({ status: ts.status, message: ts.message ?? '' }).toEqual(lua);
    }
  });

  it('ships as the argocd-cm key Argo CD reads, keeping the part-of label argocd requires when asked', () => {
    const chart = Testing.chart();
    new ArgoCdHealthChecks(chart, 'h', { metadata: { labels: { 'app.kubernetes.io/part-of': 'argocd' } } });
    const [cm] = Testing.synth(chart);
    expect(cm.metadata).toEqual({ name: 'argocd-cm', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } });
    expect(cm.data).toEqual({ [EXTERNAL_SECRET_HEALTH_KEY]: EXTERNAL_SECRET_HEALTH_LUA });
    expect(EXTERNAL_SECRET_HEALTH_KEY).toBe('resource.customizations.health.external-secrets.io_ExternalSecret');
  });
});
