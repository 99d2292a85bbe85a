/**
 * Segment shapes (docs/crm-segments-and-merge.md). A segment is an AND of
 * rules, each discriminated by `type`, so a new rule type (the consent issue's
 * `consent`) is one more member of the union, one more case in rules.ts (its
 * re-check) and one more condition contacts can turn into SQL (conditions.ts).
 */
import { z } from 'zod';
import { text } from '../../platform/http/text.js';
import { LAWFUL_BASES } from '../contacts/index.js';

const at = z.iso.datetime({ offset: true });

export const RuleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tag'), op: z.enum(['is', 'isNot']), value: z.string().trim().min(1).max(100) }).strict(),
  z.object({ type: z.literal('owner'), op: z.literal('is'), value: z.uuid().nullable() }).strict(),
  z.object({ type: z.literal('company'), op: z.literal('is'), value: z.uuid().nullable() }).strict(),
  z.object({ type: z.literal('createdAt'), op: z.enum(['before', 'after']), value: at }).strict(),
  z.object({ type: z.literal('updatedAt'), op: z.enum(['before', 'after']), value: at }).strict(),
  z.object({ type: z.literal('lawfulBasis'), op: z.literal('is'), value: z.enum(LAWFUL_BASES) }).strict(),
  z.object({ type: z.literal('email'), op: z.literal('equals'), value: z.string().trim().min(1).max(320) }).strict(),
  z.object({ type: z.literal('phone'), op: z.literal('equals'), value: z.string().trim().min(1).max(40) }).strict(),
  z.object({ type: z.literal('country'), op: z.literal('is'), value: z.string().trim().min(1).max(100) }).strict(),
]);
export type Rule = z.infer<typeof RuleSchema>;

/** Every rule must hold (AND). No rules: every contact. */
export const ConditionsSchema = z.array(RuleSchema).max(20);

export const SegmentInputSchema = z.object({ name: text().trim().min(1).max(200), conditions: ConditionsSchema }).strict();
export type SegmentInput = z.infer<typeof SegmentInputSchema>;

export const SegmentPatchSchema = SegmentInputSchema.partial().strict();
export type SegmentPatch = z.infer<typeof SegmentPatchSchema>;

export const SegmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  conditions: ConditionsSchema,
  /** true when email and phone rule values are withheld from this reader (record visibility 'own', not the segment's maker). */
  conditionsMasked: z.boolean().optional(),
  /** Contacts matching now (visible to the caller), computed live. */
  count: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.uuid().nullable(),
});
export type SegmentView = z.infer<typeof SegmentSchema>;

export const SegmentListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() })
  .strict();

export const SegmentPageSchema = z.object({ items: z.array(SegmentSchema), nextCursor: z.string().nullable() });
export const IdParamsSchema = z.object({ id: z.uuid() });
