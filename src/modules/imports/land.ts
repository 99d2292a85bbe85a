/**
 * The database half of an import batch: one transaction that lands what
 * prepare.ts made (docs/imports.md "How it runs"). New contacts go in with a
 * handful of bulk statements; duplicates are matched in memory against the
 * workspace's email and phone index values (BlindSet), and only candidates
 * are confirmed by a query and decryption. A row sharing an email or phone
 * with an earlier row of the same batch lands after what precedes it, so it
 * sees that row exactly as a sequential import would.
 *
 * Two batches may be in their transactions at once (run.ts), each on its own
 * connection, so the database works on one while the other commits. Order
 * holds all the same: a batch checks and moves the import's progress last,
 * only once the batch before it committed, and under the import row's lock.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import { auditId, recordAuditMany, type AuditEventInput } from '../../platform/audit/index.js';
import { csvRow } from '../../platform/csv.js';
import type { Trx } from '../../platform/db/database.js';
import { createCompanies, findCompaniesByName } from '../companies/index.js';
import { canSee, findDuplicates, getContactRows, insertSealedContacts, KIND, updateContact, type SealedNewContact } from '../contacts/index.js';
import type { BlindSet } from './blind-set.js';
import type { CsvRecord } from './csv-reader.js';
import type { PreparedBatch, PreparedRow } from './prepare.js';
import { advance, ERRORS, importRow, landedByOthers, lockLanding, type ImportRow, type Progress } from './queries.js';
import type { ImportField, ImportOptions } from './schemas.js';
import { sealChunk } from './store.js';

type Ctx = Pick<AppContext, 'db' | 'vault' | 'now'>;

export interface ImportActor {
  type: 'user' | 'token' | 'operator';
  id: string | null;
}

/** The options as stored: with the importer's record visibility (a sales member limited to their own contacts). */
export type StoredOptions = ImportOptions & { ownerOnly?: string | null };

/** What every batch of a run shares. */
export interface RunState {
  ws: string;
  importId: string;
  actor: ImportActor;
  options: StoredOptions;
  header: string[];
  fields: Array<ImportField | null>;
  country: string | null;
  /** The key version the batches were prepared under. */
  keysVersion: number;
  /**
   * The workspace's email and phone index values (committed ones), or null
   * when duplicates are matched by a query per batch instead (a key rotation
   * was running when the run started, so stored values span two versions).
   */
  known: { email: BlindSet; phone: BlindSet } | null;
  /** Company name (normalized) → id, for this run (resolveCompanies commits them before a batch lands). */
  companies: Map<string, string>;
  /** The other imports' landed records (landedByOthers) read just before `known` was loaded. */
  othersLanded: number;
}

/**
 * 'aborted': the batch before it did not commit, so this one rolled back too.
 * 'stale': another import landed rows since `known` was loaded, so matching
 * in memory may miss them; the run goes on matching against the database.
 */
export type LandOutcome = 'committed' | 'superseded' | 'rekey' | 'aborted' | 'stale';

interface BatchResult extends Progress {
  createdIds: string[];
  updatedIds: string[];
}

export const actorOf = (imp: ImportRow): ImportActor => ({ type: imp.actor_type as ImportActor['type'], id: imp.actor_id });
const companyKey = (name: string): string => name.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();

/**
 * The companies a batch names, found or created in their own transaction
 * before the batch lands (two batches in flight never create one twice). A
 * crash in between leaves the company, which the next run finds by name.
 */
export async function resolveCompanies(ctx: Ctx, st: RunState, rows: readonly PreparedRow[]): Promise<void> {
  const missing = new Map<string, string>();
  for (const r of rows) if (r.companyName !== null && !st.companies.has(companyKey(r.companyName))) missing.set(companyKey(r.companyName), r.companyName);
  if (missing.size === 0) return;
  const found = await ctx.db.withWorkspace(st.ws, async (trx) => {
    const out = new Map<string, string>();
    for (const [key, name] of missing) {
      const [existing] = await findCompaniesByName(trx, ctx.vault, st.ws, name);
      const id = existing
        ? existing.id
        : (await createCompanies(trx, ctx.vault, { workspaceId: st.ws, now: ctx.now(), actor: st.actor }, [{ name }]))[0]!.id;
      out.set(key, id);
    }
    return out;
  });
  for (const [k, v] of found) st.companies.set(k, v);
}

/** Duplicate keys of a row, as the match compares them (normalized plaintext, in memory only). */
const dupKeys = (r: PreparedRow): string[] => [...r.emails.map((e) => `e:${e}`), ...r.phones.map((p) => `p:${p}`)];

class BatchLander {
  private pending: PreparedRow[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly trx: Trx,
    private readonly st: RunState,
    readonly out: BatchResult,
  ) {}

  async land(rows: readonly PreparedRow[]): Promise<void> {
    const matching = this.st.options.duplicates !== 'create';
    const existing = matching ? await this.knownDuplicates(rows) : new Map<PreparedRow, string>();
    const seen = new Set<string>();
    for (const row of rows) {
      const keys = matching ? dupKeys(row) : [];
      if (keys.some((k) => seen.has(k))) {
        await this.flush();
        // Its values as made (normalized, hashed): matched as findDuplicate would, without doing either again.
        const [dup] = await this.findDuplicates([row]);
        if (dup) await this.duplicate(row, dup);
        else this.pending.push(row);
      } else {
        const dup = existing.get(row);
        if (dup) await this.duplicate(row, dup);
        else this.pending.push(row);
      }
      for (const k of keys) seen.add(k);
    }
    await this.flush();
  }

  /**
   * Existing contacts sharing an email or phone with rows of the batch. In
   * memory, a row whose index values are all unknown has none; the others are
   * confirmed (the values are truncated and collide) with one query and
   * decryption for the whole batch.
   */
  private async knownDuplicates(rows: readonly PreparedRow[]): Promise<Map<PreparedRow, string>> {
    const known = this.st.known;
    const candidates = known === null ? rows : rows.filter((r) => r.lookups.some((l) => (l.kind === KIND.email ? known.email : known.phone).has(l.value)));
    const out = new Map<PreparedRow, string>();
    if (candidates.length === 0) return out;
    const found = await this.findDuplicates(candidates);
    candidates.forEach((r, i) => {
      const id = found[i];
      if (id) out.set(r, id);
    });
    return out;
  }

  /**
   * The existing duplicate of each row, or null. Matching in memory, the run
   * started with one key version and each batch checks it is still current,
   * so the rows' index values (made with them) are the only candidates: the
   * values are not hashed again.
   */
  private findDuplicates(rows: readonly PreparedRow[]): Promise<Array<string | null>> {
    const people = rows.map((r) => ({ emails: r.emails.map((address) => ({ address })), phones: r.phones.map((number) => ({ number })) }));
    return findDuplicates(this.ctx, this.trx, this.st.ws, people, this.st.known === null ? {} : { indexed: rows.map((r) => r.lookups) });
  }

  /** New rows so far, in one go: companies resolved, then keys, rows and lookups in bulk. */
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const createdBy = this.st.actor.type === 'user' ? this.st.actor.id : null;
    const contacts: SealedNewContact[] = this.pending.map((r) => ({
      id: r.id, recordHex: r.recordHex, specialHex: null, wrappedHex: r.wrappedHex,
      // As POST /contacts: the member creating owns the contact.
      ownerId: createdBy, createdBy,
      companyId: r.companyName === null ? null : this.companyId(r.companyName),
      lawfulBasis: r.lawfulBasis, termsLiteral: r.termsLiteral, lookups: r.lookups,
    }));
    await insertSealedContacts(this.ctx, this.trx, this.st.ws, this.st.keysVersion, contacts);
    for (const c of contacts) this.out.createdIds.push(c.id);
    this.out.created += contacts.length;
    this.pending = [];
  }

  private companyId(name: string): string {
    const id = this.st.companies.get(companyKey(name));
    if (!id) throw new Error('a company of the batch was not resolved before it landed');
    return id;
  }

  /** A row whose duplicate exists: skipped, or (policy update) the existing contact updated with its mapped fields. */
  private async duplicate(row: PreparedRow, existingId: string): Promise<void> {
    if (this.st.options.duplicates === 'skip') {
      this.out.skipped += 1;
      return;
    }
    const [current] = await getContactRows(this.ctx, this.trx, this.st.ws, [existingId]);
    // A member limited to their own contacts never changes another's: the row is skipped, as POST /contacts refuses it.
    if (!current || !canSee(this.st.options.ownerOnly, current.row.owner_id)) {
      this.out.skipped += 1;
      return;
    }
    // The row as checked when it was made (kept for this policy): the fields it gave, parsed and normalized.
    const checked = row.checked;
    if (!checked) throw new Error('a row to update was made without its checked input');
    const v = checked.values;
    const union = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] => {
      const seen = new Set(a.map(key));
      return [...a, ...b.filter((x) => !seen.has(key(x)))];
    };
    const patch = {
      ...(v.firstName !== undefined ? { firstName: checked.input.firstName } : {}),
      ...(v.lastName !== undefined ? { lastName: checked.input.lastName } : {}),
      ...(v.jobTitle !== undefined ? { jobTitle: checked.input.jobTitle ?? null } : {}),
      ...(v.city !== undefined ? { city: checked.input.city ?? null } : {}),
      ...(v.country !== undefined ? { country: checked.input.country ?? null } : {}),
      ...(row.companyName !== null ? { companyId: this.companyId(row.companyName) } : {}),
      emails: union(current.record.emails, checked.record.emails.map((e) => ({ address: e.address, primary: false })), (e) => e.address),
      phones: union(current.record.phones, checked.record.phones, (p) => p.number),
    };
    await updateContact(this.ctx, this.trx, this.st.ws, current.row, patch);
    this.out.updated += 1;
    this.out.updatedIds.push(existingId);
  }
}

class Stop extends Error {
  constructor(readonly outcome: Exclude<LandOutcome, 'committed'>) {
    super(outcome);
  }
}

export interface BatchJob {
  /** The physical line this batch starts at: the import's resume_line once the batch before it committed. */
  expectedLine: number;
  nextLine: number;
  records: readonly CsvRecord[];
  prepared: PreparedBatch;
  /** Settles true once the batch before this one committed (false if it did not). */
  previous: Promise<boolean>;
}

/**
 * Lands one prepared batch in one transaction: the rows, the error file's
 * chunk, the audit events and, last, the import's progress. 'superseded':
 * another run got here first; 'rekey': a key rotation changed the version the
 * batch was prepared under; 'aborted': the batch before did not commit. In
 * each of those nothing of the batch is kept.
 */
export async function landBatch(ctx: Ctx, st: RunState, job: BatchJob): Promise<{ outcome: LandOutcome; created: PreparedRow[] }> {
  const { records, prepared } = job;
  const out: BatchResult = { resumeLine: job.nextLine, processed: records.length, created: 0, updated: 0, skipped: 0, rejected: prepared.rejections.length, createdIds: [], updatedIds: [] };
  // Duplicate matching across imports (docs/imports.md "How it runs"): under the workspace's
  // landing lock, a batch matching against the database holds it from its first query to its commit;
  // one matching in memory takes it only at the end, and rolls back if another import landed since
  // the set was loaded, so two imports in a workspace never both add one person.
  const matching = st.options.duplicates !== 'create';
  const lockFirst = matching && (st.known === null || st.options.duplicates === 'update');
  const holdLanding = async (trx: Trx): Promise<void> => {
    await lockLanding(trx, st.ws);
    if (st.known !== null && (await landedByOthers(trx, st.ws, st.importId)) !== st.othersLanded) throw new Stop('stale');
  };
  let outcome: LandOutcome;
  try {
    await ctx.db.withWorkspace(st.ws, async (trx) => {
      // Locked until commit: a rotation's barrier waits for this batch, or this batch sees the new version.
      if ((await ctx.vault.currentVersion(trx, st.ws)) !== st.keysVersion) throw new Stop('rekey');
      if (lockFirst) await holdLanding(trx);
      await new BatchLander(ctx, trx, st, out).land(prepared.rows);
      if (prepared.rejections.length > 0) {
        const text = prepared.rejections.map((r) => csvRow([r.line, r.column, r.reason])).join('');
        await sealChunk(trx, ctx.vault, st.ws, st.importId, ERRORS, records[0]!.line, text);
      }
      const events: AuditEventInput[] = [];
      const details = { importId: auditId(st.importId) };
      if (out.createdIds.length > 0) events.push({ action: 'contact.created', actor: st.actor, subjectIds: out.createdIds, details });
      if (out.updatedIds.length > 0) events.push({ action: 'contact.updated', actor: st.actor, subjectIds: out.updatedIds, details });
      await recordAuditMany(trx, events);
      // Order: only after the batch before committed, and under the import row's lock. That lock (FOR NO
      // KEY UPDATE) must not wait on the next batch, which is in its transaction meanwhile holding a KEY
      // SHARE lock on the same row (its error chunk's foreign key); a bounded wait turns any other such
      // cycle, which the database cannot see through this JavaScript wait, into an error and a retry.
      if (!(await job.previous)) throw new Stop('aborted');
      await sql`select set_config('lock_timeout', '60s', true)`.execute(trx);
      if (matching && !lockFirst) await holdLanding(trx);
      const imp = await importRow(trx, st.ws, st.importId, true);
      // Another run (a job taken over after a lease ran out, the CLI beside a worker) got here first.
      if (!imp || imp.status !== 'running' || Number(imp.resume_line) !== job.expectedLine) throw new Stop('superseded');
      await advance(trx, st.ws, st.importId, out);
    });
    outcome = 'committed';
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    outcome = err.outcome;
  }
  if (outcome !== 'committed') return { outcome, created: [] };
  const createdIds = new Set(out.createdIds);
  return { outcome, created: prepared.rows.filter((r) => createdIds.has(r.id)) };
}
