import { lastPathSegment, looksLikeKeyMaterialName } from '../helpers/detect/key-names';
import { pointerSegments } from '../../lib/yaml-source';
import { foldInto, parseEmbedded } from './embedded-values';
import { childPointer, type Inspection, type Owner } from './inspection';

/**
 * kustomize inline patches put values into objects at build time: a strategic-merge patch is an
 * object (a Secret with stringData), a JSON 6902 patch is a list of operations whose `value` lands
 * at `path`. Both are checked like the objects they patch.
 */
export type InspectObject = (obj: Record<string, unknown>, pointer: string, s: Inspection) => void;

export function checkKustomizePatches(obj: Record<string, unknown>, pointer: string, owner: Owner, s: Inspection, inspectObject: InspectObject): void {
  const strings: [string, string][] = [];
  const collect = (list: unknown, key: string, field?: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      const at = childPointer(childPointer(pointer, key), i);
      const text = field ? (entry as Record<string, unknown> | null)?.[field] : entry;
      if (typeof text === 'string' && text.includes('\n')) strings.push([field ? childPointer(at, field) : at, text]);
    });
  };
  collect(obj.patches, 'patches', 'patch');
  collect(obj.patchesJson6902, 'patchesJson6902', 'patch');
  collect(obj.patchesStrategicMerge, 'patchesStrategicMerge');
  for (const [at, text] of strings) {
    const parsed = parseEmbedded(text);
    if (Array.isArray(parsed)) foldInto(s, at, owner, (sub) => checkJsonPatch(parsed, at, owner, sub));
    else if (parsed && typeof parsed === 'object') {
      foldInto(s, at, owner, (sub) => inspectObject(parsed as Record<string, unknown>, '', sub), `${owner.label} inline patch: `);
    }
  }
}

/** `{op: add, path: /stringData/password, value: ...}`: the last path segment names the value. */
function checkJsonPatch(ops: unknown[], at: string, owner: Owner, s: Inspection): void {
  ops.forEach((op, i) => {
    if (!op || typeof op !== 'object') return;
    const { path, value } = op as Record<string, unknown>;
    if (typeof path !== 'string' || typeof value !== 'string') return;
    const segments = pointerSegments(path);
    const name = segments[segments.length - 1] ?? '';
    // Inside data/stringData a key-material name (`key`, `tls.key`) counts too, as in a Secret.
    const inSecretData = segments.includes('data') || segments.includes('stringData');
    if (!s.ctx.isCredentialKey(lastPathSegment(name)) && !(inSecretData && looksLikeKeyMaterialName(name))) return;
    const c = s.classify(value, name);
    if (c.kind === 'literal') s.report(`${at}#${i}`, `${owner.label} has ${c.material} in an inline patch at ${path}`, owner.ref);
  });
}
