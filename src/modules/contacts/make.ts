/**
 * A contact's making, in one place for every way one arrives (POST /contacts,
 * an import's rows, a form's fields): checked (zod, then normalization),
 * given an id and a fresh data key wrapped under the workspace key, sealed,
 * and indexed — each value parsed, normalized and hashed once. Pure over its
 * inputs and the bulk keys of one key version: no database, no vault, so an
 * import's worker threads (make-worker.ts) run it as the create does inline.
 * What needs the database (the company and owner named, custom field
 * definitions, duplicates) the caller looks up before or after.
 */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { wrapSubjectKeyWith, type BulkKeys } from '../../platform/crypto/bulk.js';
import type { FieldError } from '../../platform/errors.js';
import { indexesOf, indexersFromKeys, type Indexers } from './indexes.js';
import { recordOf } from './record-of.js';
import { sealContact, type ContactRecord, type SpecialValues } from './record.js';
import { ContactInputSchema, type ContactInput, type ParsedContactInput } from './schemas.js';
import { termsLiteral, valueOfIndex } from './terms.js';

/** What a batch is made under: the bulk keys of one version and the workspace's default phone country. */
export interface MakeContext {
  keys: BulkKeys;
  country: string | null;
}

/** The index functions of a MakeContext, kept across batches (their memo of word terms is the point). */
export interface ContactMaker {
  readonly mc: MakeContext;
  readonly ix: Indexers;
}

export function contactMaker(mc: MakeContext): ContactMaker {
  return { mc, ix: indexersFromKeys(mc.keys) };
}

/** One contact to make. */
export interface Draft {
  /** As received: it is parsed here (ContactInputSchema), once. */
  input: ContactInput;
  /** The company name its search words include: the create's `companyId` looked up, or an import row's company text. */
  companyName?: string | null;
  /** Custom field values already checked against their definitions: the record's and the special column's. */
  customFields?: { plain: Record<string, unknown>; special: SpecialValues };
}

/** What the database told the caller about the ids an input names (the create; an import names none). */
export interface References {
  companies: ReadonlySet<string>;
  members: ReadonlySet<string>;
  /** The owner of a contact whose input names none (the member creating). */
  defaultOwner: string | null;
}

/** The longest company name a contact's words may come from (the companies module's own bound). */
export const COMPANY_MAX = 200;

/** A made contact as it is written: hex where the database takes hex. */
export interface SealedContact {
  id: string;
  recordHex: string;
  specialHex: string | null;
  wrappedHex: string;
  lawfulBasis: string;
  companyName: string | null;
  /** contact_lookup rows (emails, phones): kind, value as hex and as the 32-bit number duplicates are matched on. */
  lookups: Array<{ kind: number; valueHex: string; value: number }>;
  /** The blind terms as an array literal. */
  termsLiteral: string;
  /** Normalized, to confirm a duplicate candidate (in memory only, never stored as such). */
  emails: string[];
  phones: string[];
}

export interface MadeContact {
  /** What is written (a bulk load ships it between threads: only what it needs). */
  sealed: SealedContact;
  input: ParsedContactInput;
  record: ContactRecord;
  /** The company and owner the input named (the owner: the default owner when it named none). */
  companyId: string | null;
  ownerId: string | null;
}

/** A draft that failed: its shape (zod issues) or its values (normalization, references). Paths, never values. */
export type MadeFailure =
  | { ok: false; stage: 'shape'; issues: Array<{ path: string; code: string; message: string }> }
  | { ok: false; stage: 'values'; errors: FieldError[] };

export type Made = ({ ok: true } & MadeContact) | MadeFailure;

export interface BatchOptions {
  /** 'random' (v4, the API's) or 'clustered' (runs of neighbours, bulk loads: see clusteredIds). */
  ids: 'random' | 'clustered';
  references?: References;
}

/** Contacts per run of neighbouring ids (clusteredIds). */
export const ID_RUN = 128;

/**
 * Ids for a batch of new contacts: random like any contact id, but in runs of
 * ID_RUN that sort next to each other (a random 58-bit prefix per run, a
 * counter, 48 random bits per id; UUID version 8, "custom"). Every index on
 * the id then takes a batch as a few sorted runs instead of a thousand random
 * inserts, each touching (and, after a checkpoint, logging) its own page.
 * The runs sit at random places, so a search walking the id order still meets
 * a group's members spread out (docs/crm-contacts.md "Ids").
 */
export function clusteredIds(n: number): string[] {
  const out: string[] = [];
  const b = Buffer.alloc(16);
  for (let i = 0; i < n; i++) {
    if (i % ID_RUN === 0) randomFillSync(b, 0, 8);
    randomFillSync(b, 10, 6);
    b[6] = 0x80 | (b[6]! & 0x0f); // version 8
    b[8] = 0x80 | ((i % ID_RUN) >> 8); // variant 10, then the counter's high bits
    b[9] = (i % ID_RUN) & 0xff;
    out.push(uuidOf(b));
  }
  return out;
}

function uuidOf(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function randomIds(n: number): string[] {
  return Array.from({ length: n }, () => randomUUID());
}

/** The checks that need what the database said: the named company and owner exist. */
function checkReferences(input: ParsedContactInput, refs: References | undefined, errors: FieldError[]): { companyId: string | null; ownerId: string | null } {
  const companyId = input.companyId ?? null;
  const ownerId = input.ownerId === undefined ? (refs?.defaultOwner ?? null) : input.ownerId;
  if (refs) {
    if (companyId !== null && !refs.companies.has(companyId)) errors.push({ path: 'companyId', message: 'No such company.' });
    if (ownerId !== null && !refs.members.has(ownerId)) errors.push({ path: 'ownerId', message: 'No such member.' });
  }
  return { companyId, ownerId };
}

/**
 * Makes a batch: for each draft, in order, the shape (zod), the record
 * (normalization, then the references given), the company name's bound;
 * then, for the good ones, an id, a data key wrapped under `mc.keys`, the
 * sealed record (and special values) and the blind values. Drafts fail
 * alone; nothing here throws for a bad input.
 */
export function prepareBatch(maker: ContactMaker, drafts: readonly Draft[], options: BatchOptions): Made[] {
  const { keys, country } = maker.mc;
  const ws = keys.workspaceId;
  // One call for the batch's data keys: randomBytes per key costs more than the bytes.
  const keyBytes = randomBytes(32 * drafts.length);
  const ids = options.ids === 'clustered' ? clusteredIds(drafts.length) : randomIds(drafts.length);
  try {
    return drafts.map((draft, i): Made => {
      const parsed = ContactInputSchema.safeParse(draft.input);
      if (!parsed.success) {
        return { ok: false, stage: 'shape', issues: parsed.error.issues.map((iss) => ({ path: iss.path.join('.'), code: iss.code, message: iss.message })) };
      }
      const input = parsed.data;
      const errors: FieldError[] = [];
      const record = recordOf(input, country, errors);
      const { companyId, ownerId } = checkReferences(input, options.references, errors);
      const companyName = draft.companyName ?? null;
      if (errors.length === 0 && companyName !== null && companyName.length > COMPANY_MAX) errors.push({ path: 'company', message: 'Too long.' });
      if (errors.length > 0) return { ok: false, stage: 'values', errors };
      record.customFields = draft.customFields?.plain ?? {};
      const id = ids[i]!;
      const key = keyBytes.subarray(i * 32, i * 32 + 32);
      const sealed = sealContact({ workspaceId: ws, subjectId: id, version: 1, key }, ws, id, 1, record, draft.customFields?.special ?? {});
      const indexes = indexesOf(maker.ix, record, companyName);
      return {
        ok: true,
        input,
        record,
        companyId,
        ownerId,
        sealed: {
          id,
          recordHex: sealed.record.toString('hex'),
          specialHex: sealed.special?.toString('hex') ?? null,
          wrappedHex: wrapSubjectKeyWith(keys, id, key).toString('hex'),
          lawfulBasis: input.lawfulBasis,
          companyName,
          lookups: indexes.lookups.map((l) => ({ kind: l.kind, valueHex: l.value.toString('hex'), value: valueOfIndex(l.value) })),
          termsLiteral: termsLiteral(indexes.terms),
          emails: record.emails.map((e) => e.address),
          phones: record.phones.map((p) => p.number),
        },
      };
    });
  } finally {
    keyBytes.fill(0);
  }
}
