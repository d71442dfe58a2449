import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { neutralizeTemplate } from '../../../../policies/helpers/detect/helm-template';
import { classifyValue } from '../../../../policies/helpers/detect/classify-value';

const template = `{{- if .Values.enabled }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
stringData:
  password: {{ .Values.password | quote }}
  literal: hunter2hunter2
{{- end }}
`;

describe('neutralizeTemplate', () => {
  it('keeps every offset and line', () => {
    const out = neutralizeTemplate(template);
    expect(out.length).toBe(template.length);
    expect(out.split('\n').map((l) => l.length)).toEqual(template.split('\n').map((l) => l.length));
  });

  it('yields YAML whose templated values classify as templated', () => {
    const doc = parse(neutralizeTemplate(template)) as { kind: string; stringData: Record<string, string> };
    expect(doc.kind).toBe('Secret');
    expect(classifyValue(doc.stringData.password).kind).toBe('templated');
    expect(doc.stringData.literal).toBe('hunter2hunter2');
  });

  it('blanks Jinja blocks and multi-line actions', () => {
    const out = neutralizeTemplate('{% raw %}\na: 1\nb: {{ x\n  | y }}\n{% endraw %}\n');
    expect(parse(out)).toEqual({ a: 1, b: null });
  });
});
