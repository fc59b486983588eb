import { builtinModules } from 'node:module';
import type { Metafile } from 'esbuild';

const builtins = new Set(builtinModules);

/** Whether a module specifier names a Node built-in (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith('node:') ||
    builtins.has(specifier) ||
    builtins.has(specifier.split('/')[0] ?? '')
  );
}

/** Every import an output bundle leaves unresolved, sorted and without duplicates. */
export function externalImports(metafile: Metafile): string[] {
  const paths = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const entry of output.imports) {
      if (entry.external) paths.add(entry.path);
    }
  }
  return [...paths].sort();
}

/** The unresolved imports k6 could not satisfy: anything but k6's own modules. */
export function importsK6CannotResolve(metafile: Metafile): string[] {
  return externalImports(metafile).filter(
    (path) => isNodeBuiltin(path) || !(path === 'k6' || path.startsWith('k6/')),
  );
}
