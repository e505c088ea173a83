import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runtime = join(root, 'src/runtime/runtime.ts');
const usage = join(root, 'test/runtime/fixtures/generated-usage.ts');

/** The settings SPEC §4 promises generated code compiles under. */
const strict: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [join(root, 'node_modules/@types')],
};

function diagnostics(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, { ...strict, ...options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

describe('runtime.ts type-checks as generated/_runtime.ts', () => {
  it('under module NodeNext, with Pool, Client and PoolClient as Queryable', () => {
    expect(diagnostics([runtime, usage], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext })).toEqual([]);
  });

  it('under moduleResolution bundler', () => {
    expect(diagnostics([runtime, usage], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler })).toEqual([]);
  });

  /** Compiles `use.ts` beside a copy of the runtime in a fresh package of the given type. */
  function compileProject(type: 'module', source: string): string[] {
    const project = mkdtempSync(join(tmpdir(), 'sqlgen-typecheck-'));
    try {
      symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type }));
      copyFileSync(runtime, join(project, '_runtime.ts'));
      writeFileSync(join(project, 'use.ts'), source);
      const files = [join(project, '_runtime.ts'), join(project, 'use.ts')];
      return diagnostics(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }

  it('rejects what is not a Queryable (the check is not vacuous)', () => {
    const source = "import type { Queryable } from './_runtime.js';\ndeclare const thing: { end(): void };\nexport const db: Queryable = thing;\n";
    expect(compileProject('module', source).join('\n')).toContain("Property 'query' is missing");
  });
});
