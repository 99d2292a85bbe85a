/**
 * Writes web/src/api-types.ts: the web client's types, generated from the
 * OpenAPI document the server itself serves at /api/docs/json, so the UI can
 * never drift from what the routes' zod schemas say. `npm run api-types`
 * regenerates it; test/api-types.test.ts fails when the committed file is stale.
 *
 * The app is built in-process over an empty in-memory database with throwaway
 * key and data directories: the document depends on the routes only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/context.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';

export const API_TYPES_FILE = fileURLToPath(new URL('../web/src/api-types.ts', import.meta.url));
export const API_TYPES_COMMAND = 'npm run api-types';

// Lint is off in the generated file: its unions are the document's, not ours to tidy.
const HEADER = `/* eslint-disable */
/**
 * Generated from the server's OpenAPI document by scripts/api-types.ts
 * (openapi-typescript). Do not edit: run \`${API_TYPES_COMMAND}\` after changing a route's schema.
 */

`;

/** The OpenAPI document of the whole app, as /api/docs/json serves it. */
export async function openApiDocument(): Promise<OpenAPI3> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-api-types-'));
  const config = {
    ...loadConfig({ LOG_LEVEL: 'error', DATA_DIR: path.join(root, 'data'), CONFIDANT_KEYS_DIR: path.join(root, 'keys') }),
    database: { kind: 'pglite' as const, dataDir: null },
  };
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('error') });
  try {
    const app = await buildApp(ctx);
    try {
      await app.ready();
      return app.swagger() as OpenAPI3;
    } finally {
      await app.close();
    }
  } finally {
    ctx.mailTransport.close();
    await db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The text of web/src/api-types.ts for the current routes. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(await openApiDocument());
  return HEADER + astToString(ast);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateApiTypes();
  fs.writeFileSync(API_TYPES_FILE, text);
  console.warn(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
}
