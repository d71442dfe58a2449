import { objectRef, parseFile, splitDocuments, suppressedRules } from '../../lib/scan/parse';
import type { DocumentOutline } from '../../lib/scan/block-outline';
import type { ManifestDocument, Rule, RuleContext, RuleReport, ScanFile } from '../../lib/scan/types';
import { lastPathSegment } from '../helpers/detect/key-names';
import { neutralizeTemplate } from '../helpers/detect/helm-template';
import { TOKEN_HINT, UNBROKEN_TOKEN_HINT } from '../helpers/detect/token-formats';
import { childPointer, Inspection, ownerOf, type Owner } from './inspection';
import { checkConfigMap, checkSecret, checkSecretGenerator } from './secret-objects';
import { documentFirstLine, numberedPlaces, rawHits } from './raw-text';
import { isHelmValuesPath, valuesSources } from './sources';
import { checkEmbeddedValues } from './embedded-values';
import { checkKustomizePatches } from './kustomize-patches';
import { walkObject } from './walk';

/**
 * Raw-text prefilter: a document is inspected only when it mentions a credential-like word of the
 * default patterns, a Secret/secretGenerator/createSecret, container env, or a known token prefix.
 * With custom credential-key patterns, names matching none of these words are still found in
 * Secrets and container env (both always match), but not in Helm values files.
 */
const INTEREST = new RegExp(
  [
    'secret', 'pass', 'pwd', 'token', 'auth', 'bearer', 'session', 'csrf', 'jwt', 'credential', 'cookie',
    'dsn', 'conn', 'database.?ur[li]', 'db.?ur[li]', 'redis.?url', 'amqp.?url', 'mongo', 'postgres', 'salt',
    'htpasswd', 'pgpass', 'netrc', 'kubeconfig', 'webhook', 'dockercfg', 'dockerconfigjson', 'id_(?:rsa|ed25519|ecdsa)',
    'private', '[a-z0-9_.-]keys?\\b', '\\benv\\b', TOKEN_HINT.source,
  ].join('|'),
  'i',
);

const MAX_VALUES_STRING = 1_000_000;

/** Kinds whose own fields the rule checks (Secret data, ConfigMap data, Helm values sources). */
const STRUCTURAL_KINDS = new Set(['Secret', 'ConfigMap', 'HelmRelease', 'HelmChart', 'Application', 'ApplicationSet']);
/** Root keys of kustomizations and values sources the rule reads (literals, inline patches, inline values). */
const STRUCTURAL_KEYS = new Set(['secretGenerator', 'patches', 'patchesJson6902', 'patchesStrategicMerge', 'helmCharts']);

/**
 * Whether a document with this outline can hold a finding. Outside the structures above (Secrets,
 * ConfigMaps, Lists of objects, values files and sources, kustomize generators and patches), the
 * rule reports only known token formats (every one needs `UNBROKEN_TOKEN_HINT` in the text) and
 * `{name, value}` entries with a credential-like name: a vendored CRD or a Deployment whose env
 * names are all harmless is not parsed for this rule.
 */
function canReport(outline: DocumentOutline, file: Pick<ScanFile, 'path' | 'helmValues'>, ctx: RuleContext, text: string): boolean {
  if (file.helmValues === true || isHelmValuesPath(file.path)) return true;
  const kind = outline.rootKind;
  if (kind !== undefined && (STRUCTURAL_KINDS.has(kind) || kind.endsWith('List'))) return true;
  if (outline.rootKeys.some((k) => STRUCTURAL_KEYS.has(k))) return true;
  if (outline.pairNames.some((n) => n === undefined || ctx.isCredentialKey(n) || ctx.isCredentialKey(lastPathSegment(n)))) return true;
  // Last: the one check that reads the whole text.
  return outline.encoded || UNBROKEN_TOKEN_HINT.test(text);
}

export const noInlineSecret: Rule = {
  meta: {
    id: 'no-inline-secret',
    description: 'A literal credential in Git: Secret data (judged by key name and by value), container env, Helm values, secretGenerator literals, Argo CD Helm parameters, or a known token format anywhere.',
    remediation:
      'Remove the value from Git (and rotate it, since history keeps it), store it in Vault and reference it through an ExternalSecret, a secretKeyRef or an existingSecret.',
    defaultSeverity: 'error',
    docs: 'policies/no-inline-secret/README.md',
    scope: 'file',
    interest: INTEREST,
    readsOutline: canReport,
  },

  checkDocument(doc, ctx, report) {
    // Templates are read by checkFile, which sees their text around `{{ ... }}`.
    if (doc.file.kind === 'helm-template') return;
    const s = inspectDocument(doc, ctx, report);
    const hits = rawHits(doc.text, documentFirstLine(doc), s.anchors);
    const places = numberedPlaces(hits);
    const owner = ownerOf(doc.object, `document ${doc.index + 1}`);
    hits.forEach((r, i) => s.reportAt(r.position, `${owner.label} has ${r.hit.format.label} in ${places[i]}`, owner.ref));
  },

  checkFile(file, ctx, report) {
    if (file.kind !== 'helm-template' && file.kind !== 'text') return;
    if (!INTEREST.test(file.text)) return;
    checkTemplate(file, ctx, report);
  },
};

export default noInlineSecret;

/** Runs every structural check on one document and the token walk over it; returns the inspection. */
function inspectDocument(doc: ManifestDocument, ctx: RuleContext, report: (r: RuleReport) => void): Inspection {
  const s = new Inspection(doc, ctx, report);
  const value = doc.value;
  if (!value || typeof value !== 'object') {
    if (typeof value === 'string') s.scanString(value, '', '(root)', ownerOf(undefined, `document ${doc.index + 1}`));
    return s;
  }
  const valuesFile = doc.file.helmValues === true || isHelmValuesPath(doc.file.path);
  const root = value as Record<string, unknown>;
  const items = isList(root) ? (root.items as unknown[]) : undefined;
  if (items) {
    items.forEach((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) return;
      // An item can carry its own reasoned ignore annotation: its findings go nowhere.
      const target = suppressedRules(item).has(noInlineSecret.meta.id) ? new Inspection(doc, ctx, () => {}) : s;
      inspectObject(item as Record<string, unknown>, childPointer('/items', i), false, target);
      if (target !== s) for (const a of target.anchors) s.anchors.add(a);
    });
    const rest = { ...root };
    delete rest.items;
    walkObject(rest, '', { owner: ownerOf(doc.object, 'List'), valuesRoots: new Map() }, s);
  } else inspectObject(root, '', valuesFile, s);
  return s;
}

function isList(v: Record<string, unknown>): boolean {
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

const IGNORED_KINDS = new Set(['ExternalSecret', 'ClusterExternalSecret']);

function inspectObject(obj: Record<string, unknown>, pointer: string, valuesFile: boolean, s: Inspection): void {
  const ref = objectRef(obj);
  const owner: Owner = ownerOf(ref, valuesFile ? 'Helm values' : 'document');
  const kind = ref?.kind;
  if (kind === 'Secret' && isCoreApi(obj)) checkSecret(obj, pointer, owner, s);
  else if (kind === 'ConfigMap' && isCoreApi(obj)) checkConfigMap(obj, pointer, owner, s);
  if (!IGNORED_KINDS.has(kind ?? '')) {
    checkSecretGenerator(obj, pointer, owner, s);
    checkKustomizePatches(obj, pointer, owner, s, (patched, p, sub) => inspectObject(patched, p, false, sub));
  }
  const sources = IGNORED_KINDS.has(kind ?? '') ? { roots: new Map<string, string>(), strings: [] } : valuesSources(obj, pointer, valuesFile && !kind);
  for (const str of sources.strings) {
    if (str.text.length <= MAX_VALUES_STRING) checkEmbeddedValues(str.text, str.pointer, str.label, owner, s);
  }
  walkObject(obj, pointer, { owner, valuesRoots: sources.roots }, s);
}

function isCoreApi(obj: Record<string, unknown>): boolean {
  return obj.apiVersion === undefined || obj.apiVersion === 'v1';
}

/**
 * A Helm template (or Jinja file): parsed with its actions neutralised so structural checks apply,
 * then its raw text scanned for token formats the values did not show (actions, comments).
 */
function checkTemplate(file: ScanFile, ctx: RuleContext, report: (r: RuleReport) => void): void {
  const anchors = new Set<string>();
  const docs: { doc: ManifestDocument; first: number; last: number }[] = [];
  if (file.kind === 'helm-template') {
    const neutral = neutralizeTemplate(file.text);
    const slices = splitDocuments(neutral);
    const parsed = parseFile({ path: file.path, kind: 'yaml', text: neutral });
    for (const doc of parsed.docs) {
      const slice = slices[doc.index]!;
      docs.push({ doc, first: slice.startLine + 1, last: slice.startLine + slice.text.split('\n').length });
      if (!INTEREST.test(doc.text)) continue;
      for (const a of inspectDocument(doc, ctx, report).anchors) anchors.add(a);
    }
  }
  const hits = rawHits(file.text, 1, anchors);
  const places = numberedPlaces(hits);
  hits.forEach((r, i) => {
    const home = docs.find((d) => r.position.line >= d.first && r.position.line <= d.last)?.doc;
    const owner = ownerOf(home?.object, `template ${file.path}`);
    report({ ...(home ? { doc: home } : { file }), position: r.position, message: `${owner.label} has ${r.hit.format.label} in ${places[i]}`, ...(owner.ref ? { object: owner.ref } : {}) });
  });
}
