import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp';

/**
 * A folder of wrappers, put first on PATH, that append the argument list of every run of the
 * programs a generated script calls to one log before running the real program. What a wrapper
 * records is exactly what `/proc/<pid>/cmdline` would show to any process on the node.
 */
export interface ArgvRecorder {
  /** PATH with the wrappers first. */
  readonly path: string;
  /** Environment entries to pass to the script (PATH and the log location). */
  readonly env: Record<string, string>;
  /** Every recorded argument list, program name first. */
  calls(): string[][];
}

/** External programs the bootstrap and gate scripts may run. */
const PROGRAMS = ['curl', 'jq', 'openssl', 'od', 'tr', 'awk', 'sha256sum', 'wc', 'cat', 'head', 'tail', 'grep', 'mktemp', 'rm', 'mv', 'cp', 'mkdir', 'sleep', 'date', 'dd', 'base64'];

export function argvRecorder(): ArgvRecorder {
  const dir = tempDir('secretops-argv-');
  const log = join(dir, 'argv.log');
  writeFileSync(log, '');
  const basePath = process.env.PATH ?? '/usr/bin:/bin';
  for (const name of PROGRAMS) {
    let real: string;
    try {
      real = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env: { PATH: basePath } }).trim();
    } catch {
      continue; // not installed here: the script cannot run it either
    }
    const wrapper = join(dir, name);
    // Arguments are written NUL-separated (they may hold newlines), one record per line of NULs.
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\0' ${name} "$@" >> "$SECRETOPS_ARGV_LOG"\nprintf '\\n' >> "$SECRETOPS_ARGV_LOG"\nexec ${real} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const path = `${dir}:${basePath}`;
  return {
    path,
    env: { PATH: path, SECRETOPS_ARGV_LOG: log },
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\0\n')
            .filter((r) => r.length > 0)
            .map((r) => r.split('\0'))
        : [],
  };
}
