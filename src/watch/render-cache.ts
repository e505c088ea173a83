import type { AnalyzedFile } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Diagnostic } from '../diagnostics.js';
import { render, type RenderResult } from '../render/render.js';
import type { OutputFile } from '../render/output-file.js';
import type { Catalog } from '../schema/catalog.js';

/**
 * Rendered modules by query file path, and the files every module list shares (`index.ts`,
 * `_types.ts`, `_runtime.ts`), so that a save renders one module, not a thousand queries.
 * Valid for one catalog and config: a full run starts a new one.
 */
export interface RenderCache {
  readonly modules: Map<string, OutputFile>;
  /** The shared files, and the module list they were rendered for. */
  shared: { readonly key: string; readonly files: readonly OutputFile[] } | undefined;
}

export function newRenderCache(): RenderCache {
  return { modules: new Map(), shared: undefined };
}

/**
 * Renders `files` (query file path -> analysis, in output order) into every file of `out`.
 * The first call renders everything in one `render`; later calls render only the modules the
 * cache lacks, and the shared files again only when the module list changed. The result is
 * what one `render` of all files gives; the watch tests check that with `sqlgen check`.
 */
export function renderCached(cache: RenderCache, files: ReadonlyMap<string, AnalyzedFile>, catalog: Catalog, config: Config): RenderResult {
  const key = [...files.values()].map((file) => file.moduleName).join('\n');
  if (!cache.shared) {
    const result = render([...files.values()], catalog, config);
    const byPath = new Map(result.files.map((file) => [file.path, file]));
    for (const [path, file] of files) cache.modules.set(path, byPath.get(modulePath(file))!);
    cache.shared = { key, files: sharedFiles(result.files, files.values()) };
    return result;
  }

  const warnings: Diagnostic[] = [];
  for (const [path, file] of files) {
    if (cache.modules.has(path)) continue;
    const result = render([file], catalog, config);
    cache.modules.set(path, result.files.find((f) => f.path === modulePath(file))!);
    warnings.push(...result.warnings);
  }
  if (cache.shared.key !== key) {
    // `index.ts` lists the modules; their queries do not matter to it.
    const bare = [...files.values()].map((file) => ({ ...file, queries: [] }));
    cache.shared = { key, files: sharedFiles(render(bare, catalog, config).files, bare) };
  }
  const output = [...[...files.keys()].map((path) => cache.modules.get(path)!), ...cache.shared.files];
  return { files: output.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), warnings };
}

function modulePath(file: AnalyzedFile): string {
  return `${file.moduleName}.ts`;
}

function sharedFiles(output: readonly OutputFile[], files: Iterable<AnalyzedFile>): OutputFile[] {
  const modules = new Set([...files].map(modulePath));
  return output.filter((file) => !modules.has(file.path));
}
