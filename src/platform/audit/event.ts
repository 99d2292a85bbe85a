/**
 * What an audit event may hold. Events carry ids, codes and keyed hashes,
 * never personal values (DESIGN.md data rule 4): erasure never has to rewrite
 * the trail, and a database copy shows who touched whom, not who they are.
 * Strings in `details` are branded, so a raw email or IP cannot be passed
 * without going through a constructor that refuses it.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A UUID naming a row (contact, member, token, import ...). */
export type AuditId = Brand<string, 'AuditId'>;
/** A short machine code: an enum value, a field name, a reason. Never free text. */
export type AuditCode = Brand<string, 'AuditCode'>;
/**
 * A personal value (IP, user agent, typed email) after the caller keyed-hashed
 * it (HMAC under a key-ring key), hex encoded. The audit module never sees the
 * value nor the key.
 */
export type KeyedHash = Brand<string, 'KeyedHash'>;

export type AuditScalar = AuditId | AuditCode | KeyedHash | number | boolean | null;
export type AuditDetailValue = AuditScalar | readonly AuditScalar[];
export type AuditDetails = Readonly<Record<string, AuditDetailValue>>;

export const ACTOR_TYPES = ['user', 'token', 'operator', 'system', 'public'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** `noun.verb`, e.g. `contact.read` (API.md "Audit"). */
export type AuditAction = `${string}.${string}`;

export interface AuditEventInput {
  action: AuditAction;
  actor: { type: ActorType; id?: string | null };
  /** The data subjects (or other records) the event is about; one event may list many. */
  subjectIds?: readonly string[];
  /** The declared purpose of a read, e.g. `crm.view`, `crm.export`. */
  purpose?: string | null;
  details?: AuditDetails;
  requestId?: string | null;
}

export class AuditValidationError extends Error {
  constructor(readonly path: string, message: string) {
    super(`audit event ${path}: ${message}`);
    this.name = 'AuditValidationError';
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE_RE = /^[a-z][a-z0-9_.:-]{0,63}$/;
const HASH_RE = /^[0-9a-f]{32,128}$/;
const ACTION_RE = /^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$/;
const KEY_RE = /^[a-z][A-Za-z0-9]{0,63}$/;
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_DETAIL_KEYS = 32;
const MAX_ARRAY = 1000;
/** A list page or an export of a million people is one event (DESIGN.md). */
export const MAX_SUBJECTS = 1_000_000;

export function auditId(value: string): AuditId {
  if (!UUID_RE.test(value)) throw new AuditValidationError('id', 'is not a UUID');
  return value.toLowerCase() as AuditId;
}

export function auditCode(value: string): AuditCode {
  if (!CODE_RE.test(value)) throw new AuditValidationError('code', 'is not a lower-case machine code');
  return value as AuditCode;
}

export function keyedHash(hex: string): KeyedHash {
  if (!HASH_RE.test(hex)) throw new AuditValidationError('keyedHash', 'is not a lower-case hex digest (16-64 bytes)');
  return hex as KeyedHash;
}

function checkScalar(value: unknown, path: string): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AuditValidationError(path, 'is not a finite number');
    return;
  }
  if (typeof value === 'string') {
    // Brands vanish at run time, so check shapes again: none admits an email,
    // a name with capitals or spaces, or an IPv4 address; an IPv6 address
    // would pass as a code, so it is refused by name.
    if (/^[0-9a-f:.]+$/.test(value) && value.includes(':')) {
      throw new AuditValidationError(path, 'looks like an IP address');
    }
    if (UUID_RE.test(value) || HASH_RE.test(value) || CODE_RE.test(value)) return;
    throw new AuditValidationError(path, 'must be an id, a code or a keyed hash, never a personal value');
  }
  throw new AuditValidationError(path, 'has an unsupported type');
}

function checkDetails(details: unknown): void {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new AuditValidationError('details', 'is not an object');
  }
  const entries = Object.entries(details);
  if (entries.length > MAX_DETAIL_KEYS) throw new AuditValidationError('details', 'has too many keys');
  for (const [key, value] of entries) {
    if (!KEY_RE.test(key)) throw new AuditValidationError(`details.${key}`, 'key is not camelCase');
    if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY) throw new AuditValidationError(`details.${key}`, 'has too many items');
      value.forEach((v, i) => checkScalar(v, `details.${key}[${i}]`));
    } else {
      checkScalar(value, `details.${key}`);
    }
  }
}

/** The row as stored, before the chainer gives it seq and hashes. */
export interface AuditEventRow {
  action: string;
  actor_type: ActorType;
  actor_id: string | null;
  subject_ids: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}

/** Validates at the boundary (types can be cast away) and normalizes ids to lower case. */
export function toRow(event: AuditEventInput): AuditEventRow {
  if (!ACTION_RE.test(event.action)) throw new AuditValidationError('action', 'is not noun.verb');
  if (!ACTOR_TYPES.includes(event.actor.type)) throw new AuditValidationError('actor.type', 'is unknown');
  const actorId = event.actor.id ?? null;
  if (actorId !== null && !UUID_RE.test(actorId)) throw new AuditValidationError('actor.id', 'is not a UUID');
  const subjects = event.subjectIds ?? [];
  if (subjects.length > MAX_SUBJECTS) throw new AuditValidationError('subjectIds', 'has too many ids');
  for (const s of subjects) if (!UUID_RE.test(s)) throw new AuditValidationError('subjectIds', 'holds a non-UUID');
  const purpose = event.purpose ?? null;
  if (purpose !== null && !CODE_RE.test(purpose)) throw new AuditValidationError('purpose', 'is not a code');
  const requestId = event.requestId ?? null;
  if (requestId !== null && !REQUEST_ID_RE.test(requestId)) throw new AuditValidationError('requestId', 'is malformed');
  const details = event.details ?? {};
  checkDetails(details);
  return {
    action: event.action,
    actor_type: event.actor.type,
    actor_id: actorId?.toLowerCase() ?? null,
    subject_ids: subjects.map((s) => s.toLowerCase()),
    purpose,
    details: { ...details },
    request_id: requestId,
  };
}
