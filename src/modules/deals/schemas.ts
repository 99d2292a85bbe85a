import { z } from 'zod';
import { text as storedText } from '../../platform/http/text.js';

const text = (max: number) => storedText().trim().min(1).max(max);
export const IdParamsSchema = z.object({ id: z.uuid() });
export const StageParamsSchema = z.object({ id: z.uuid(), stageId: z.uuid() });

const kind = z.enum(['open', 'won', 'lost']);
export const StageInputSchema = z.strictObject({
  name: text(200), position: z.number().int().min(0).max(10_000).optional(), probability: z.number().int().min(0).max(100).optional(), kind: kind.optional(),
});
export const StagePatchSchema = StageInputSchema.partial();
export const StageSchema = z.object({ id: z.uuid(), name: z.string(), position: z.number(), probability: z.number(), kind });
export const PipelineSchema = z.object({ id: z.uuid(), name: z.string(), position: z.number(), stages: z.array(StageSchema) });
export const PipelineInputSchema = z.strictObject({
  name: text(200), position: z.number().int().min(0).max(10_000).optional(), stages: z.array(StageInputSchema).max(50).default([]),
});
export const PipelinePatchSchema = z.strictObject({ name: text(200).optional(), position: z.number().int().min(0).max(10_000).optional() });

const fields = {
  description: z.string().max(20_000).nullable().optional(),
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  amountCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Give an ISO 4217 code such as EUR.').nullable().optional(),
  expectedClose: z.iso.date().nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  companyId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  position: z.number().int().min(0).max(1_000_000).optional(),
};
export const DealInputSchema = z.strictObject({ title: text(500), ...fields });
export const DealPatchSchema = z.strictObject({ title: text(500).optional(), ...fields });

export const DealSchema = z.object({
  id: z.uuid(), pipelineId: z.uuid(), stageId: z.uuid(), title: z.string().nullable(), description: z.string().nullable(), erased: z.boolean(), contactHidden: z.boolean(),
  amountCents: z.number().nullable(), currency: z.string().nullable(), expectedClose: z.string().nullable(),
  ownerId: z.uuid().nullable(), companyId: z.uuid().nullable(), contactId: z.uuid().nullable(), contactName: z.string().nullable(),
  position: z.number(), createdAt: z.string(), updatedAt: z.string(), stageChangedAt: z.string(),
});
export const DealPageSchema = z.object({ items: z.array(DealSchema), nextCursor: z.string().nullable() });
export const DealListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional(),
  pipelineId: z.uuid().optional(), stageId: z.uuid().optional(), ownerId: z.uuid().optional(), contactId: z.uuid().optional(),
});
