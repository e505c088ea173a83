import { describe, expect, test } from 'vitest';
import { goldenCases, runGoldenCase } from './support/golden.js';

describe('golden cases on the embedded database', () => {
  for (const golden of goldenCases()) {
    test(golden.name, async () => {
      const result = await runGoldenCase(golden);
      expect(result.ok, result.message).toBe(true);
    });
  }
});
