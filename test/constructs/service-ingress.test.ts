import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ServiceIngress } from '../../lib/constructs/service-ingress';
import { BaseValuesConfigMap } from '../../lib/constructs/base-values-config-map';

describe('ServiceIngress', () => {
  it('routes / on the host to the service port by default', () => {
    const chart = Testing.chart();
    new ServiceIngress(chart, 'i', { name: 'agents', namespace: 'dev', host: 'agents.dev.example', serviceName: 'agents', servicePort: 8080, className: 'nginx' });
    expect(Testing.synth(chart)[0]).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'agents', namespace: 'dev' },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'agents.dev.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'agents', port: { number: 8080 } } } }] } }],
      },
    });
  });

  it('routes exactly the given paths', () => {
    const chart = Testing.chart();
    new ServiceIngress(chart, 'i', { name: 'b', namespace: 'n', host: 'h', serviceName: 's', servicePort: 1, paths: [{ path: '/api/v1/runs/*/bypass', pathType: 'ImplementationSpecific' }] });
    expect(Testing.synth(chart)[0].spec.rules[0].http.paths.map((p: { path: string; pathType: string }) => [p.path, p.pathType])).toEqual([['/api/v1/runs/*/bypass', 'ImplementationSpecific']]);
    expect(() => new ServiceIngress(Testing.chart(), 'i', { name: 'b', namespace: 'n', host: 'h', serviceName: 's', servicePort: 1, paths: [] })).toThrow(/'paths' is empty/);
  });
});

describe('BaseValuesConfigMap', () => {
  it('holds the non-secret base values in catalog order, and refuses to be empty', () => {
    const chart = Testing.chart();
    new BaseValuesConfigMap(chart, 'c', { name: 'agents-db-defaults', namespace: 'dev', values: [{ key: 'POOL', value: '10' }, { key: 'LOG', value: 'info' }] });
    expect(Testing.synth(chart)[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agents-db-defaults', namespace: 'dev' }, data: { POOL: '10', LOG: 'info' } });
    expect(() => new BaseValuesConfigMap(Testing.chart(), 'c', { name: 'x', namespace: 'n', values: [] })).toThrow(/'values' is empty/);
  });
});
