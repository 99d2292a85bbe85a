import { randomUUID } from 'node:crypto';
import { auditCode, auditId, recordAudit, recordAuditMany, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import type { Hooks } from '../../kernel/hooks.js';
import type { SealTarget } from '../../platform/crypto/index.js';
import { conflict, notFound, validationFailed } from '../../platform/errors.js';
import { isMember } from '../identity/index.js';
import { NAME_INDEX, TOKEN_BITS, TOKEN_INDEX, namePrefixes, normalizeName } from './normalize.js';
import * as q from './queries.js';

/** What a company service needs of the vault (the app's Vault fits). */
export interface CompanyVault {
  sealJson(trx: Trx, target: SealTarget, value: unknown): Promise<Buffer>;
  openJson<T>(trx: Trx, target: SealTarget, ciphertext: Buffer): Promise<T>;
  blindIndexer(trx: Trx, workspaceId: string, index: string, bits?: number): Promise<(normalized: string) => Buffer>;
  blindIndexCandidates(trx: Trx, workspaceId: string, index: string, normalized: string, bits?: number): Promise<Buffer[]>;
}

export interface CompanyAddress {
  street: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
}

/** Everything about a company but its ids and dates: sealed as one record. */
export interface CompanyRecord {
  name: string;
  domain: string | null;
  website: string | null;
  industry: string | null;
  size: string | null;
  phone: string | null;
  address: CompanyAddress | null;
  notes: string | null;
}

export const RECORD_FIELDS = ['name', 'domain', 'website', 'industry', 'size', 'phone', 'address', 'notes'] as const;

export interface Company extends CompanyRecord {
  id: string;
  ownerId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type CompanyInput = Pick<CompanyRecord, 'name'> & Partial<Omit<CompanyRecord, 'name'>> & { ownerId?: string | null };
export type CompanyPatch = Partial<CompanyRecord> & { ownerId?: string | null };

export interface WriteContext {
  workspaceId: string;
  now: Date;
  actor: AuditEventInput['actor'];
  requestId?: string | null;
}

export function recordTarget(workspaceId: string, id: string, recordVersion: number): SealTarget {
  return { workspaceId, subjectId: null, table: 'companies', rowId: id, column: 'record', recordVersion };
}

function fullRecord(input: CompanyInput | CompanyRecord): CompanyRecord {
  return {
    name: input.name.trim(), domain: input.domain ?? null, website: input.website ?? null, industry: input.industry ?? null,
    size: input.size ?? null, phone: input.phone ?? null, address: input.address ?? null, notes: input.notes ?? null,
  };
}

export async function openCompany(trx: Trx, vault: CompanyVault, row: q.CompanyRow): Promise<Company> {
  const rec = await vault.openJson<CompanyRecord>(trx, recordTarget(row.workspace_id, row.id, row.record_version), row.record);
  return { id: row.id, ...fullRecord(rec), ownerId: row.owner_id, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The name index and token functions of the current key version, fetched once per batch. */
async function indexers(trx: Trx, vault: CompanyVault, workspaceId: string) {
  const name = await vault.blindIndexer(trx, workspaceId, NAME_INDEX);
  const token = await vault.blindIndexer(trx, workspaceId, TOKEN_INDEX, TOKEN_BITS);
  return {
    name: (n: string) => name(normalizeName(n)),
    tokens: (workspaceId: string, companyId: string, n: string): q.CompanyTokensTable[] =>
      namePrefixes(n).map((p) => ({ workspace_id: workspaceId, company_id: companyId, token: token(p) })),
  };
}

async function checkOwner(trx: Trx, workspaceId: string, ownerId: string | null | undefined): Promise<void> {
  // Not a uuid: no member has it (asked of identity, which owns the members).
  if (ownerId && !(q.isUuid(ownerId) && (await isMember(trx, workspaceId, ownerId)))) {
    throw validationFailed([{ path: 'ownerId', message: 'No member of this workspace has this id.' }]);
  }
}

/**
 * Creates companies in the caller's transaction, one audit event each (one
 * INSERT for all): the route creates one, an import or a test many.
 */
export async function createCompanies(trx: Trx, vault: CompanyVault, w: WriteContext, inputs: readonly CompanyInput[]): Promise<Company[]> {
  for (const owner of new Set(inputs.map((i) => i.ownerId ?? null))) await checkOwner(trx, w.workspaceId, owner);
  const ix = await indexers(trx, vault, w.workspaceId);
  const rows: Array<q.CompanyRow> = [];
  const tokens: q.CompanyTokensTable[] = [];
  const out: Company[] = [];
  for (const input of inputs) {
    const id = randomUUID();
    const rec = fullRecord(input);
    const record = await vault.sealJson(trx, recordTarget(w.workspaceId, id, 1), rec);
    rows.push({ workspace_id: w.workspaceId, id, record_version: 1, record, name_bidx: ix.name(rec.name), owner_id: input.ownerId ?? null, created_at: w.now, updated_at: w.now });
    tokens.push(...ix.tokens(w.workspaceId, id, rec.name));
    out.push({ id, ...rec, ownerId: input.ownerId ?? null, createdAt: w.now, updatedAt: w.now });
  }
  await q.insertCompanyRows(trx, rows);
  await q.insertTokenRows(trx, tokens);
  await recordAuditMany(trx, out.map((c) => ({
    action: 'company.created' as const, actor: w.actor, details: { companyId: auditId(c.id) }, requestId: w.requestId ?? null,
  })));
  return out;
}

export async function getCompany(trx: Trx, vault: CompanyVault, workspaceId: string, id: string): Promise<Company> {
  const row = await q.companyRow(trx, workspaceId, id);
  if (!row) throw notFound('No such company.');
  return openCompany(trx, vault, row);
}

/**
 * Run in a rename's transaction: the contacts module re-tokens the company's
 * contacts (they are searchable by its name). Companies do not depend on
 * contacts, so companies offer this point and contacts give the handler.
 */
export type CompanyRenameHook = (trx: Trx, input: { workspaceId: string; companyId: string; now: Date }) => Promise<void>;

declare module '../../kernel/hooks.js' {
  interface HookPoints {
    'companies.renamed': CompanyRenameHook;
  }
}

/** Changes the given fields; the record is re-sealed under a bumped version. A rename re-tokens the contacts (a job). */
export async function updateCompany(trx: Trx, { vault, hooks }: { vault: CompanyVault; hooks: Hooks }, w: WriteContext, id: string, patch: CompanyPatch): Promise<Company> {
  const row = await q.companyRow(trx, w.workspaceId, id, true);
  if (!row) throw notFound('No such company.');
  const before = await openCompany(trx, vault, row);
  if (patch.ownerId !== undefined) await checkOwner(trx, w.workspaceId, patch.ownerId);
  const rec = fullRecord({ ...before, ...patch });
  const version = row.record_version + 1;
  const ix = await indexers(trx, vault, w.workspaceId);
  const ownerId = patch.ownerId !== undefined ? patch.ownerId : row.owner_id;
  await q.updateCompanyRow(trx, w.workspaceId, id, {
    record: await vault.sealJson(trx, recordTarget(w.workspaceId, id, version), rec),
    record_version: version, name_bidx: ix.name(rec.name), owner_id: ownerId, updated_at: w.now,
  });
  if (rec.name !== before.name) {
    await q.deleteTokens(trx, w.workspaceId, [id]);
    await q.insertTokenRows(trx, ix.tokens(w.workspaceId, id, rec.name));
    for (const { handler } of hooks.all('companies.renamed')) await handler(trx, { workspaceId: w.workspaceId, companyId: id, now: w.now });
  }
  const changed = [...RECORD_FIELDS, 'ownerId' as const].filter((k) => k in patch).map((k) => auditCode(k === 'ownerId' ? 'owner_id' : k));
  await recordAudit(trx, {
    action: 'company.updated', actor: w.actor, details: { companyId: auditId(id), fields: changed }, requestId: w.requestId ?? null,
  });
  return { id, ...rec, ownerId, createdAt: row.created_at, updatedAt: w.now };
}

export async function deleteCompany(trx: Trx, w: WriteContext, id: string): Promise<void> {
  if (!q.isUuid(id)) throw notFound('No such company.');
  try {
    if (!(await q.deleteCompanyRow(trx, w.workspaceId, id))) throw notFound('No such company.');
  } catch (err) {
    // Another module's row may still point here with a restricting key.
    if ((err as { code?: unknown }).code === '23503') throw conflict('Other records still refer to this company.', 'company-in-use');
    throw err;
  }
  await recordAudit(trx, { action: 'company.deleted', actor: w.actor, details: { companyId: auditId(id) }, requestId: w.requestId ?? null });
}

/** Names of the given companies (unknown or other workspaces' ids are left out). */
export async function getCompanyNames(trx: Trx, vault: CompanyVault, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const row of await q.companyRows(trx, workspaceId, [...new Set(ids)])) {
    out.set(row.id, (await openCompany(trx, vault, row)).name);
  }
  return out;
}

/** Whether the company exists in the transaction's workspace (row-level security scopes it). */
export async function companyExists(trx: Trx, id: string): Promise<boolean> {
  if (!q.isUuid(id)) return false;
  const r = await trx.selectFrom('companies').select('id').where('id', '=', id).executeTakeFirst();
  return r !== undefined;
}

/**
 * Companies whose normalized name is exactly `name` (the blind index narrows,
 * decryption decides), oldest first: for de-duplication, e.g. an import's
 * `company` column finding the company it names.
 */
export async function findCompaniesByName(trx: Trx, vault: CompanyVault, workspaceId: string, name: string): Promise<Company[]> {
  const normalized = normalizeName(name);
  const indexes = await vault.blindIndexCandidates(trx, workspaceId, NAME_INDEX, normalized);
  const out: Company[] = [];
  for (const row of await q.companyRowsByNameIndex(trx, workspaceId, indexes)) {
    const c = await openCompany(trx, vault, row);
    if (normalizeName(c.name) === normalized) out.push(c);
  }
  return out;
}

/**
 * A key rotation derives new blind-index keys: every company's name index and
 * search tokens are recomputed from its decrypted name, in batches.
 */
export async function reindexCompanies(trx: Trx, vault: CompanyVault, workspaceId: string): Promise<number> {
  const ix = await indexers(trx, vault, workspaceId);
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const rows = await q.rowsAfter(trx, workspaceId, after, 500);
    if (rows.length === 0) return count;
    const tokens: q.CompanyTokensTable[] = [];
    for (const row of rows) {
      const { name } = await openCompany(trx, vault, row);
      await q.setNameIndex(trx, workspaceId, row.id, ix.name(name));
      tokens.push(...ix.tokens(workspaceId, row.id, name));
    }
    await q.deleteTokens(trx, workspaceId, rows.map((r) => r.id));
    await q.insertTokenRows(trx, tokens);
    count += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

