/**
 * The audit trail (DESIGN.md data rule 4, THREATS.md "Audit trail", docs/audit.md).
 * Modules record events with `recordAudit` inside their own transaction; the
 * lead's jobs run `chainAll` and `writeCheckpoints`; the CLI runs `verifyAudit`.
 */
export {
  ACTOR_TYPES,
  AuditValidationError,
  auditCode,
  auditId,
  keyedHash,
  MAX_SUBJECTS,
  type ActorType,
  type AuditAction,
  type AuditCode,
  type AuditDetails,
  type AuditDetailValue,
  type AuditEventInput,
  type AuditId,
  type KeyedHash,
} from './event.js';
export { auditRowsJson, recordAudit, recordAuditMany } from './record.js';
export { chainAll, chainWorkspace, unchainedCount, type ChainOptions, type ChainResult, type UnchainedBacklog } from './chainer.js';
export { encodeEvent, chainHash, GENESIS_HASH, type ChainedEventFields } from './encoding.js';
export { writeCheckpoints, type WriteCheckpointsResult } from './write-checkpoints.js';
export {
  verifyAudit,
  verifyWorkspace,
  type CheckpointOptions,
  type CheckpointProblem,
  type VerifyResult,
  type WorkspaceVerification,
} from './verify.js';
export type { BrokenAt, BrokenReason } from './walk.js';
export { listAuditEvents, MAX_LIST_LIMIT, type AuditEventPage, type AuditEventView, type AuditListFilters } from './list.js';
export type { AuditEventsTable, AuditChainHeadsTable } from './tables.js';
