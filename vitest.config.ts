import { defineConfig } from 'vitest/config';

// The suite runs once on PGlite and, when TEST_DATABASE_URL is set, once more on
// PostgreSQL: every test that touches the database proves itself on both.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

const shared = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'pglite',
          // *.pg.test.ts need a real server (login roles PGlite cannot give).
          exclude: ['**/node_modules/**', '**/*.pg.test.ts'],
          env: { CONFIDANT_TEST_DB: 'pglite' },
        },
      },
      ...(onPostgres
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                env: { CONFIDANT_TEST_DB: 'postgres' },
                // Generates the API types over its own in-memory database: a second run proves nothing more.
                exclude: ['**/node_modules/**', 'test/api-types.test.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
