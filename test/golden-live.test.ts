import { describe, expect, test } from 'vitest';
import { createTestDatabase, testDatabaseUrl } from './support/database.js';
import { applyMigrations, goldenCases, runGoldenCase } from './support/golden.js';
import path from 'node:path';

describe.skipIf(testDatabaseUrl === undefined)('golden cases on the live server', () => {
  for (const golden of goldenCases().filter((c) => !c.embeddedOnly)) {
    test(golden.name, async () => {
      const db = await createTestDatabase();
      try {
        await applyMigrations(db.url, path.join(golden.dir, 'migrations'));
        const result = await runGoldenCase(golden, ['--database-url', db.url]);
        expect(result.ok, result.message).toBe(true);
      } finally {
        await db.drop();
      }
    });
  }
});
