import { normalizeKeyName } from '../../lib/credential-like';
import { lastPathSegment } from '../helpers/detect/key-names';
import { pointerSegments } from '../../lib/yaml-source';
import { childPointer, dotted, type Inspection, type Owner } from './inspection';

/**
 * One pass over an object: known token formats in every string, `{name, value}` entries (container
 * env, Argo CD Helm parameters, plugin env) with a credential-like name and a literal value, and,
 * inside Helm values, credential-like keys with literal values and `createSecret: true`.
 * Only pointers are built on the way down; readable paths are derived when a message needs one.
 */
export interface WalkScope {
  readonly owner: Owner;
  /** Pointers where Helm values start, with how messages name them ("spec.values"). */
  readonly valuesRoots: ReadonlyMap<string, string>;
}

/** Where the walk is, and what encloses it. */
interface Here {
  readonly pointer: string;
  /** Inside Helm values: the root's pointer and how messages name it. */
  readonly values?: { readonly pointer: string; readonly label: string };
  /** Inside a container: "container app", "init container migrate". */
  readonly container?: string;
}

const CONTAINER_LISTS: Readonly<Record<string, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};
const MAX_DEPTH = 200;

export function walkObject(node: unknown, pointer: string, scope: WalkScope, s: Inspection): void {
  walk(node, { pointer }, undefined, scope, s, 0);
}

function walk(node: unknown, here: Here, parentKey: string | number | undefined, scope: WalkScope, s: Inspection, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (scope.valuesRoots.size > 0) {
    const rootLabel = scope.valuesRoots.get(here.pointer);
    if (rootLabel !== undefined) here = { ...here, values: { pointer: here.pointer, label: rootLabel } };
  }
  if (typeof node === 'string') {
    if (s.has(here.pointer)) s.remember(node);
    else s.scanString(node, here.pointer, () => where(here), scope.owner);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // Hot loop (every node of every inspected document): children are built without spreading
  // `here`, and scalars other than strings are skipped before any pointer is built.
  const { values, container } = here;
  if (Array.isArray(node)) {
    const containerList = parentKey === undefined ? undefined : CONTAINER_LISTS[String(parentKey)];
    for (let i = 0; i < node.length; i++) {
      const value: unknown = node[i];
      if (typeof value !== 'string' && (!value || typeof value !== 'object')) continue;
      let child: Here = { pointer: `${here.pointer}/${i}`, values, container };
      if (typeof value === 'object' && !Array.isArray(value)) {
        const item = value as Record<string, unknown>;
        if (containerList) child = { ...child, container: `${containerList} ${typeof item.name === 'string' ? item.name : `#${i}`}` };
        checkNameValue(item, child, scope, s);
      }
      walk(value, child, i, scope, s, depth + 1);
    }
    return;
  }
  for (const key in node as Record<string, unknown>) {
    const value = (node as Record<string, unknown>)[key];
    if (values) {
      const child: Here = { pointer: childPointer(here.pointer, key), values, container };
      checkValuesEntry(key, value, child, scope, s);
      walk(value, child, key, scope, s, depth + 1);
    } else if (typeof value === 'string' || (value && typeof value === 'object')) {
      walk(value, { pointer: childPointer(here.pointer, key), values, container }, key, scope, s, depth + 1);
    }
  }
}

/** Readable path of a node: `spec.values at auth.password`, or `spec.template.spec.containers[0].args[1]`. */
function where(here: Here): string {
  if (!here.values) return dotted(segments(here.pointer)) || '(root)';
  const path = dotted(segments(here.pointer.slice(here.values.pointer.length))) || '(root)';
  return here.values.label ? `${here.values.label} at ${path}` : path;
}

function segments(pointer: string): (string | number)[] {
  return pointerSegments(pointer).map((seg) => (/^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : seg));
}

function verb(scope: WalkScope): string {
  return scope.owner.ref ? 'has' : 'set';
}

/** A Helm values key: a credential-like name with a literal, or a chart told to create a Secret from values. */
function checkValuesEntry(key: string, value: unknown, here: Here, scope: WalkScope, s: Inspection): void {
  if (value === true && normalizeKeyName(key) === 'create_secret') {
    s.report(here.pointer, `${scope.owner.label} ${verb(scope)} createSecret: true in ${where(here)}, so the chart renders a Secret from values`, scope.owner.ref, { key: true });
    return;
  }
  // `secret.reloader.stakater.com/reload`: an annotation or label key, not a setting.
  if (typeof value !== 'string' || key.includes('/') || !s.ctx.isCredentialKey(key)) return;
  const c = s.classify(value, key);
  if (c.kind !== 'literal') return;
  s.report(here.pointer, `${scope.owner.label} ${verb(scope)} ${c.material} in ${where(here)}`, scope.owner.ref, { key: true });
}

/** `{name: DB_PASSWORD, value: "..."}`: container env, Argo CD Helm parameters, plugin env. */
function checkNameValue(item: Record<string, unknown>, here: Here, scope: WalkScope, s: Inspection): void {
  const { name, value } = item;
  if (typeof name !== 'string' || typeof value !== 'string') return;
  if (!s.ctx.isCredentialKey(name) && !s.ctx.isCredentialKey(lastPathSegment(name))) return;
  const c = s.classify(value, name);
  if (c.kind !== 'literal') return;
  // The list holding the entry, and what holds the list: `.../env/3`, `.../helm/parameters/0`.
  const [holder, list] = pointerSegments(here.pointer).slice(-3, -1);
  let what: string;
  if (list === 'env' && here.container) what = `${here.container} env ${name}`;
  else if (list === 'parameters' && holder === 'helm') what = `Helm parameter ${name}`;
  else what = `${where(here)} (entry ${name})`;
  s.report(childPointer(here.pointer, 'value'), `${scope.owner.label} ${verb(scope)} ${c.material} in ${what}`, scope.owner.ref, { key: true });
}
