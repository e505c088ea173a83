import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { packageRoot } from '../package-root.js';
import { header, type OutputFile } from './output-file.js';

export interface RenderResult {
  readonly files: readonly OutputFile[];
  readonly warnings: readonly Diagnostic[];
}

/** One rendered file, with the PostgreSQL types it had to type as `string`. */
export interface RenderedPart {
  readonly file: OutputFile;
  readonly unknownTypes: readonly string[];
}

/**
 * Every file of `out` in path order, `_runtime.ts` added, with one warning per type some file
 * could not map. Needs no template engine, so a run whose files were all rendered before
 * never loads one.
 */
export function assembleOutput(parts: readonly RenderedPart[], index: OutputFile): RenderResult {
  const output: OutputFile[] = [
    ...parts.map((p) => p.file),
    index,
    { path: '_runtime.ts', contents: `${header('sqlgen runtime')}\n\n${runtimeSource()}` },
  ];
  const unknown = new Set(parts.flatMap((p) => p.unknownTypes));
  const warnings: Diagnostic[] = [...unknown].sort().map((name) => ({
    severity: 'warning',
    message: `type ${name} has no TypeScript mapping; it is typed as string (map it with "types.overrides")`,
  }));
  return { files: output.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), warnings };
}

/** The source of `generated/_runtime.ts`, which is `src/runtime/runtime.ts` verbatim. */
export function runtimeSource(): string {
  return readFileSync(path.join(packageRoot(), 'src', 'runtime', 'runtime.ts'), 'utf8');
}
