import { Annotations } from '../../lib/constructs/metadata';
import { parseIgnoreAnnotation } from '../../lib/scan/parse';
import type { Rule } from '../../lib/scan/types';

const POINTER = `/metadata/annotations/${Annotations.ignore.replace(/\//g, '~1')}`;

/**
 * An inline suppression that does not count: no reason after `--`, or not of the form
 * `<rule>[,<rule>] -- <reason>`. Reported so the author learns the finding it meant to silence is
 * still there, and why.
 */
export const invalidSuppression: Rule = {
  meta: {
    id: 'invalid-suppression',
    description: 'A `secretops.dev/ignore` annotation without a reason or in the wrong form, which suppresses nothing.',
    remediation: 'Write the annotation as `secretops.dev/ignore: <rule>[,<rule>] -- <reason>` with a reason a reviewer can judge, or remove it.',
    defaultSeverity: 'warning',
    docs: 'policies/invalid-suppression/README.md',
    scope: 'document',
    interest: /secretops\.dev\/ignore/,
  },
  checkDocument(doc, _ctx, report) {
    const annotations = (doc.value as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata?.annotations;
    if (!annotations || typeof annotations !== 'object' || !(Annotations.ignore in annotations)) return;
    const raw = annotations[Annotations.ignore];
    const parsed = typeof raw === 'string' ? parseIgnoreAnnotation(raw) : undefined;
    if (!parsed) {
      report({ message: `${Annotations.ignore} is not of the form "<rule>[,<rule>] -- <reason>": it suppresses nothing`, pointer: POINTER });
    } else if (!parsed.reason) {
      report({ message: `${Annotations.ignore} for ${parsed.rules.join(', ')} has no reason after "--": it suppresses nothing`, pointer: POINTER });
    }
  },
};
