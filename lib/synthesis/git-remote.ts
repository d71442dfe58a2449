import { execFileSync } from 'node:child_process';

/**
 * The repository Argo CD should read `dist/` from when the catalog names none: the `origin` remote
 * of the checkout that holds the catalog. Credentials in an https remote
 * (`https://user:token@host/...`) are dropped: the URL is written into dist/. Undefined when the
 * folder is not a Git checkout, has no `origin`, or git is not installed.
 */
export function originRemoteUrl(dir: string): string | undefined {
  let url: string;
  try {
    url = execFileSync('git', ['-C', dir, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
  if (url === '') return undefined;
  return withoutCredentials(url);
}

/** `https://user:secret@github.com/o/r.git` -> `https://github.com/o/r.git`; SSH and scp-style remotes unchanged. */
export function withoutCredentials(url: string): string {
  const m = /^(https?:\/\/)[^/@]*@(.*)$/.exec(url);
  return m ? `${m[1]}${m[2]}` : url;
}
