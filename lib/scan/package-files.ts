import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The secretops package root (where `policies/` lives), found from this module whether it runs
 * from the sources or from the compiled `build/` tree (which has no copy of `policies/*.yaml`).
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'policies', 'secretops.config.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('policies/secretops.config.yaml not found above the secretops modules');
    dir = up;
  }
}

/**
 * The path of one of the package's modules as the running scanner has it: under build/ when it
 * runs compiled (as modules, or as the one-file bundle, whose `__dirname` is build/ itself), the
 * source beside the package root when it runs from TypeScript (tests under tsx). For what is
 * loaded by path: the scan worker's entry and the rules module it loads.
 */
export function packageModule(relativePath: string): string {
  return __filename.endsWith('.ts') ? join(packageRoot(), relativePath.replace(/\.js$/, '.ts')) : join(packageRoot(), 'build', relativePath);
}

/** The text of a file shipped with the package (rule READMEs), or undefined when absent. */
export function packageText(relativePath: string): string | undefined {
  try {
    return readFileSync(join(packageRoot(), relativePath), 'utf8');
  } catch {
    return undefined;
  }
}
