/** Shapes of the imports API (API.md "Contacts": POST/GET /api/v1/imports). */
import { z } from 'zod';
import { FLAT_FIELDS, LAWFUL_BASES, type FlatField } from '../contacts/index.js';
import { text } from '../../platform/http/text.js';

/** Contact fields a CSV column can feed; by default a header named like the field does. */
export const IMPORT_FIELDS = FLAT_FIELDS;
export type ImportField = FlatField;

/** A contact is told apart and found again by its name or its email: a mapping that feeds neither would make people nobody can find. */
export const IDENTIFYING_FIELDS: readonly ImportField[] = ['firstName', 'lastName', 'email'];

export const MappingSchema = z.record(z.string().max(200), z.enum(IMPORT_FIELDS))
  .refine((m) => Object.keys(m).length <= 100, 'Map at most 100 columns.')
  .refine((m) => Object.values(m).some((f) => IDENTIFYING_FIELDS.includes(f)), 'Map a column to the first name, the last name or the email: without one of them the contacts cannot be told apart.');
export type Mapping = z.infer<typeof MappingSchema>;

export const DUPLICATE_POLICIES = ['skip', 'update', 'create'] as const;

export const ImportOptionsSchema = z.object({
  mapping: MappingSchema.optional(),
  lawfulBasis: z.enum(LAWFUL_BASES),
  // Multipart fields do not pass the request guard (the body is read in the handler).
  source: text().trim().min(1).max(500),
  duplicates: z.enum(DUPLICATE_POLICIES).default('skip'),
}).strict();
export type ImportOptions = z.output<typeof ImportOptionsSchema>;

export const ImportStatusSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  processed: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  rejected: z.number().int(),
  errorsUrl: z.string(),
  error: z.string().nullable(),
});
export type ImportStatusView = z.infer<typeof ImportStatusSchema>;

export const ImportIdParamsSchema = z.object({ id: z.uuid() });

/** An import as GET /api/v1/imports lists it: its status object, and when it began and ended. */
export const ImportListItemSchema = ImportStatusSchema.extend({
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportListItem = z.infer<typeof ImportListItemSchema>;

export const ImportListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const ImportListSchema = z.object({ items: z.array(ImportListItemSchema), nextCursor: z.string().nullable() });
export type ImportList = z.infer<typeof ImportListSchema>;
