import type { Rule } from '../../lib/scan/types';

/**
 * Reports every document the engine could not parse, at the position the parser gave. A broken
 * file is a finding, never a silently clean result: no other rule can check what does not parse.
 */
export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    description: 'A YAML or JSON document that cannot be parsed: a syntax error, a duplicate key, an alias bomb or excessive nesting.',
    remediation: 'Fix the document at the reported position so that it parses, because no other rule can check a document that does not.',
    defaultSeverity: 'error',
    docs: 'policies/parse-error/README.md',
    scope: 'file',
    handlesParseProblems: true,
  },
  checkFile(file, _ctx, report) {
    for (const p of file.problems ?? []) {
      report({ file, message: `not valid ${file.kind === 'json' ? 'JSON' : 'YAML'}: ${p.message}`, position: { line: p.line, column: p.column } });
    }
  },
};
