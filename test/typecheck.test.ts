import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { casesDir } from './support/golden.js';

const root = path.resolve(import.meta.dirname, '..');

/** Every generated file: the golden cases' expected output and the repository's own example. */
function generatedFiles(): string[] {
  const folders = [
    path.join(root, 'generated'),
    ...readdirSync(casesDir).map((name) => path.join(casesDir, name, 'expected')),
  ].filter((folder) => existsSync(folder));
  return folders.flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(folder, file)));
}

const strict: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  typeRoots: [path.join(root, 'node_modules', '@types')],
};

const settings: Record<string, ts.CompilerOptions> = {
  'module NodeNext': { ...strict, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  'moduleResolution bundler': { ...strict, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
};

describe('generated code compiles under the strictest settings (SPEC §4)', () => {
  const files = generatedFiles();

  test('there is generated code to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const [name, options] of Object.entries(settings)) {
    test(name, () => {
      const program = ts.createProgram(files, options);
      const diagnostics = ts.getPreEmitDiagnostics(program);
      const text = ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => root,
        getNewLine: () => '\n',
      });
      expect(text).toBe('');
    });
  }
});
