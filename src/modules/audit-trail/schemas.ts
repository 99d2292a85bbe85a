import { z } from 'zod';
import { MAX_LIST_LIMIT, type AuditListFilters } from '../../platform/audit/index.js';

/** The filters of the list and of the CSV export (API.md "Audit"). */
export const AuditFiltersSchema = z.object({
  actorId: z.uuid().optional(),
  /** "Who has seen or changed this person". */
  subjectId: z.uuid().optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$/, 'an action is noun.verb, e.g. contact.read')
    .optional(),
  /** Inclusive. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Exclusive. */
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilters = z.infer<typeof AuditFiltersSchema>;

export const AuditListQuerySchema = AuditFiltersSchema.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
});

export const AuditEventSchema = z.object({
  /** Gapless per workspace once chained; null (and no hash) until the chainer has run. */
  seq: z.number().int().nullable(),
  at: z.string(),
  action: z.string(),
  actorId: z.uuid().nullable(),
  actorType: z.string(),
  subjectIds: z.array(z.uuid()),
  purpose: z.string().nullable(),
  /** Ids, codes and keyed hashes only: events never hold personal values. */
  details: z.record(z.string(), z.unknown()),
  requestId: z.string().nullable(),
  hash: z.string().nullable(),
  prevHash: z.string().nullable(),
});
export type AuditEventOut = z.infer<typeof AuditEventSchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEventSchema),
  nextCursor: z.string().nullable(),
});

export const AuditVerifySchema = z.object({
  intact: z.boolean(),
  checked: z.number().int(),
  /** Events recorded but not chained yet: the tail the next chainer round hashes. */
  unchained: z.number().int(),
  oldestUnchainedAt: z.string().nullable(),
  headSeq: z.number().int().nullable(),
  firstBrokenSeq: z.number().int().optional(),
  lastCheckpointSeq: z.number().int().nullable(),
  /** Why the chain is not intact, one sentence each; empty when intact (e.g. an unchained tail older than AUDIT_UNCHAINED_MAX_SECONDS). */
  reasons: z.array(z.string()),
});

/** Query strings to the list module's filters (dates parsed; absent stays absent). */
export function toListFilters(q: AuditFilters): Omit<AuditListFilters, 'limit' | 'cursor'> {
  return {
    ...(q.actorId !== undefined ? { actorId: q.actorId } : {}),
    ...(q.subjectId !== undefined ? { subjectId: q.subjectId } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
  };
}
