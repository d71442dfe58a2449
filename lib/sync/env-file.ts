import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { ExitCode, UserError } from '../errors';
import { writeFileAtomic } from './state';

/** `KEY=value`, double-quoted with escapes when the value has anything a shell or dotenv would read specially. */
export function envLine(name: string, value: string): string {
  if (/^[A-Za-z0-9_./:@+=,%-]*$/.test(value)) return `${name}=${value}`;
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/`/g, '\\`').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** Whether git tracks the file (false outside a repository or without git). */
export function isTrackedByGit(file: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', '--', basename(file)], { cwd: dirname(file), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes an env file 0600 through a temp file and a rename; refuses a file git tracks. */
export function writeEnvFile(file: string, entries: readonly (readonly [string, string])[], header: string): void {
  if (isTrackedByGit(file)) {
    throw new UserError({ file, message: 'refusing to write secret values into a file git tracks', hint: 'choose an untracked path and add it to .gitignore' }, ExitCode.usage);
  }
  const lines = [`# ${header}`, '# Secret values: keep this file out of git (mode 0600).', ...entries.map(([k, v]) => envLine(k, v))];
  writeFileAtomic(file, lines.join('\n') + '\n', 0o600);
}
