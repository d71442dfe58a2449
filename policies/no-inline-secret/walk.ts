import { lastPathSegment } from '../../lib/scan/detect/key-names';
import { normalizeKeyName } from '../../lib/credential-like';
import { childPointer, dotted, type Inspection, type Owner } from './inspection';

/**
 * One pass over an object: known token formats in every string, `{name, value}` entries (container
 * env, Argo CD Helm parameters, plugin env) with a credential-like name and a literal value, and,
 * inside Helm values, credential-like keys with literal values and `createSecret: true`.
 */
export interface WalkScope {
  readonly owner: Owner;
  /** Pointers where Helm values start, with how messages name them ("spec.values"). */
  readonly valuesRoots: ReadonlyMap<string, string>;
}

/** Where the walk is: pointer and path of the node, and what encloses it. */
interface Here {
  readonly pointer: string;
  readonly path: readonly (string | number)[];
  /** Inside Helm values: how messages name the root, and the path below it. */
  readonly values?: { readonly root: string; readonly path: readonly (string | number)[] };
  /** Inside a container: which list and its name. */
  readonly container?: string;
}

const CONTAINER_LISTS: Readonly<Record<string, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};
const MAX_DEPTH = 200;

export function walkObject(node: unknown, pointer: string, path: readonly (string | number)[], scope: WalkScope, s: Inspection): void {
  walk(node, { pointer, path }, scope, s, 0);
}

function walk(node: unknown, here: Here, scope: WalkScope, s: Inspection, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const rootLabel = scope.valuesRoots.get(here.pointer);
  if (rootLabel !== undefined) here = { ...here, values: { root: rootLabel, path: [] } };
  if (typeof node === 'string') {
    if (s.has(here.pointer)) s.remember(node);
    else s.scanString(node, here.pointer, where(here), scope.owner);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const isArray = Array.isArray(node);
  const entries: [string | number, unknown][] = isArray ? node.map((v, i) => [i, v]) : Object.entries(node as Record<string, unknown>);
  const containerList = !isArray ? undefined : CONTAINER_LISTS[String(here.path[here.path.length - 1])];
  for (const [key, value] of entries) {
    let child: Here = {
      pointer: childPointer(here.pointer, key),
      path: [...here.path, key],
      ...(here.values ? { values: { root: here.values.root, path: [...here.values.path, key] } } : {}),
      ...(here.container ? { container: here.container } : {}),
    };
    if (containerList && value && typeof value === 'object') {
      const name = (value as Record<string, unknown>).name;
      child = { ...child, container: `${containerList} ${typeof name === 'string' ? name : `#${key}`}` };
    }
    if (isArray) {
      if (value && typeof value === 'object' && !Array.isArray(value)) checkNameValue(value as Record<string, unknown>, child, here, scope, s);
    } else if (child.values) checkValuesEntry(String(key), value, child, scope, s);
    walk(value, child, scope, s, depth + 1);
  }
}

function where(here: Here): string {
  if (!here.values) return dotted(here.path) || '(root)';
  const path = dotted(here.values.path) || '(root)';
  return here.values.root ? `${here.values.root} at ${path}` : path;
}

function verb(scope: WalkScope): string {
  return scope.owner.ref ? 'has' : 'set';
}

/** A Helm values key: a credential-like name with a literal, or a chart told to create a Secret from values. */
function checkValuesEntry(key: string, value: unknown, here: Here, scope: WalkScope, s: Inspection): void {
  const at = here.pointer;
  if (value === true && normalizeKeyName(key) === 'create_secret') {
    s.report(at, `${scope.owner.label} ${verb(scope)} createSecret: true in ${where(here)}, so the chart renders a Secret from values`, scope.owner.ref, { key: true });
    return;
  }
  // `secret.reloader.stakater.com/reload`: an annotation or label key, not a setting.
  if (typeof value !== 'string' || key.includes('/') || !s.ctx.isCredentialKey(key)) return;
  const c = s.classify(value, key);
  if (c.kind !== 'literal') return;
  s.report(at, `${scope.owner.label} ${verb(scope)} ${c.material} in ${where(here)}`, scope.owner.ref, { key: true });
}

/** `{name: DB_PASSWORD, value: "..."}`: container env, Argo CD Helm parameters, plugin env. */
function checkNameValue(item: Record<string, unknown>, here: Here, parent: Here, scope: WalkScope, s: Inspection): void {
  const { name, value } = item;
  if (typeof name !== 'string' || typeof value !== 'string') return;
  if (!s.ctx.isCredentialKey(name) && !s.ctx.isCredentialKey(lastPathSegment(name))) return;
  const c = s.classify(value, name);
  if (c.kind !== 'literal') return;
  const list = String(parent.path[parent.path.length - 1]);
  let what: string;
  if (list === 'env' && here.container) what = `${here.container} env ${name}`;
  else if (list === 'parameters' && parent.path[parent.path.length - 2] === 'helm') what = `Helm parameter ${name}`;
  else what = `${where(here)} (entry ${name})`;
  const at = childPointer(here.pointer, 'value');
  s.report(at, `${scope.owner.label} ${verb(scope)} ${c.material} in ${what}`, scope.owner.ref, { key: true });
}
