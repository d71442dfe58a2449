import { childPointer } from './inspection';

/**
 * Where Helm values live in GitOps objects, so the walk can check them like a values file:
 * Flux HelmRelease `spec.values`, Argo CD Application(Set) `helm.valuesObject` (and `helm.values`,
 * a YAML string), kustomize `helmCharts[].valuesInline`, k3s HelmChart `spec.valuesContent`.
 */
export interface ValuesSources {
  /** Pointer -> how messages name it. */
  readonly roots: Map<string, string>;
  /** Values documents embedded as YAML strings. */
  readonly strings: { readonly pointer: string; readonly label: string; readonly text: string }[];
}

export function valuesSources(obj: Record<string, unknown>, pointer: string, isValuesFile: boolean): ValuesSources {
  const roots = new Map<string, string>();
  const strings: ValuesSources['strings'] = [];
  if (isValuesFile) {
    roots.set(pointer, ''); // the owner label already says "Helm values"
    return { roots, strings };
  }
  const kind = obj.kind;
  const spec = asObject(obj.spec);
  const specPointer = childPointer(pointer, 'spec');
  if (kind === 'HelmRelease' && spec) roots.set(childPointer(specPointer, 'values'), 'spec.values');
  if (kind === 'HelmChart' && spec && typeof spec.valuesContent === 'string') {
    strings.push({ pointer: childPointer(specPointer, 'valuesContent'), label: 'spec.valuesContent', text: spec.valuesContent });
  }
  if ((kind === 'Application' || kind === 'ApplicationSet') && spec) {
    const appSpec = kind === 'Application' ? spec : asObject(asObject(spec.template)?.spec);
    const appPointer = kind === 'Application' ? specPointer : childPointer(childPointer(specPointer, 'template'), 'spec');
    const appLabel = kind === 'Application' ? 'spec' : 'spec.template.spec';
    if (appSpec) {
      const sources: [unknown, string, string][] = [[appSpec.source, childPointer(appPointer, 'source'), `${appLabel}.source`]];
      if (Array.isArray(appSpec.sources)) appSpec.sources.forEach((src, i) => sources.push([src, childPointer(childPointer(appPointer, 'sources'), i), `${appLabel}.sources[${i}]`]));
      for (const [src, p, label] of sources) {
        const helm = asObject(asObject(src)?.helm);
        if (!helm) continue;
        const helmPointer = childPointer(p, 'helm');
        roots.set(childPointer(helmPointer, 'valuesObject'), `${label}.helm.valuesObject`);
        if (typeof helm.values === 'string') strings.push({ pointer: childPointer(helmPointer, 'values'), label: `${label}.helm.values`, text: helm.values });
      }
    }
  }
  if (Array.isArray(obj.helmCharts)) {
    obj.helmCharts.forEach((_c, i) => roots.set(childPointer(childPointer(childPointer(pointer, 'helmCharts'), i), 'valuesInline'), `helmCharts[${i}].valuesInline`));
  }
  return { roots, strings };
}

function asObject(x: unknown): Record<string, unknown> | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

/** A chart values file by name: `values.yaml`, `values-prod.yaml`, `values.prod.yaml`, `ng.values.yaml`. */
export function isHelmValuesPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^(?:.*\.)?values(?:[.-][\w.-]*)?\.ya?ml(?:\.gotmpl)?$/i.test(base);
}
