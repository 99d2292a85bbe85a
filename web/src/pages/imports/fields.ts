/** Contact fields a CSV column can feed (src/modules/imports/schemas.ts IMPORT_FIELDS); no browser globals, so node tests can load it. */
export const IMPORT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'company', 'city', 'country', 'lawfulBasis', 'source'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
