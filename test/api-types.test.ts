import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_COMMAND, API_TYPES_FILE, generateApiTypes } from '../scripts/api-types.js';

// The document depends on the routes only (the generator opens its own
// in-memory database), so once per run is enough: vitest.config.ts runs this
// file in the PGlite project only.
describe('web/src/api-types.ts', () => {
  it('is what the routes generate today (the web client is typed from the live OpenAPI document)', async () => {
    const committed = fs.existsSync(API_TYPES_FILE) ? fs.readFileSync(API_TYPES_FILE, 'utf8') : '';
    const fresh = await generateApiTypes();
    expect(committed === fresh, `web/src/api-types.ts is stale: run \`${API_TYPES_COMMAND}\` and commit the result`).toBe(true);
  });
});
