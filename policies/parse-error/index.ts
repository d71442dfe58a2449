import type { Rule } from '../../lib/scan/types';

/**
 * Reports every document the engine could not parse, at the position the parser gave. A broken
 * file is a finding, never a silently clean result: no other rule can check what does not parse.
 * The same holds for a manifest file the engine would not read (too large, binary, not UTF-8): a
 * Secret followed by a megabyte of comments must not pass as clean.
 */
export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    description:
      'A YAML or JSON document that cannot be parsed (a syntax error, a duplicate key, an alias bomb or excessive nesting), or a manifest file the scanner cannot read: larger than maxFileSize, a NUL byte, not UTF-8.',
    remediation:
      'Fix the document at the reported position so that it parses, because no other rule can check a document that does not; split a file over maxFileSize (or raise the limit), and store manifests as UTF-8 text.',
    defaultSeverity: 'error',
    docs: 'policies/parse-error/README.md',
    scope: 'file',
    handlesParseProblems: true,
  },
  checkFile(file, _ctx, report) {
    for (const p of file.problems ?? []) {
      const message = p.unread ? p.message : `not valid ${file.kind === 'json' ? 'JSON' : 'YAML'}: ${p.message}`;
      report({ file, message, position: { line: p.line, column: p.column } });
    }
  },
};
