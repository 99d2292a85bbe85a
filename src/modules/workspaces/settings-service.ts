import { sql } from 'kysely';
import { z } from 'zod';
import type { Trx } from '../../platform/db/database.js';
import { conflict } from '../../platform/errors.js';
import type { UserVault } from '../identity/index.js';

/** Distinct people one actor may read per rolling hour before owners and the DPO hear of it (THREATS.md, C). */
export const DEFAULT_READ_BUDGET_PER_HOUR = 1000;

export const RecordVisibilitySchema = z.object({ sales: z.enum(['all', 'own']) });

/** What `settings` jsonb holds. require2faForAll stays at the top level: the auth hook's lookup reads it there. */
const StoredSettingsSchema = z.object({
  region: z.string().nullable().catch(null).default(null),
  require2faForAll: z.boolean().catch(false).default(false),
  readBudgetPerHour: z.number().int().positive().catch(DEFAULT_READ_BUDGET_PER_HOUR).default(DEFAULT_READ_BUDGET_PER_HOUR),
  recordVisibility: RecordVisibilitySchema.catch({ sales: 'all' }).default({ sales: 'all' }),
});

export interface WorkspaceSettings {
  name: string;
  slug: string;
  region: string | null;
  dpoName: string | null;
  dpoEmail: string | null;
  require2faForAll: boolean;
  readBudgetPerHour: number;
  recordVisibility: { sales: 'all' | 'own' };
}

export type SettingsPatch = Partial<WorkspaceSettings>;

interface WorkspaceRow {
  name: string;
  slug: string;
  status: string;
  settings: unknown;
  dpo_ciphertext: Buffer | null;
  dpo_record_version: number;
}

interface Dpo {
  dpoName: string | null;
  dpoEmail: string | null;
}

function dpoTarget(workspaceId: string, recordVersion: number) {
  return { workspaceId, subjectId: null, table: 'workspaces', rowId: workspaceId, column: 'dpo', recordVersion };
}

async function loadRow(trx: Trx, workspaceId: string): Promise<WorkspaceRow> {
  const r = await sql<WorkspaceRow>`select name, slug, status, settings, dpo_ciphertext, dpo_record_version from workspaces where id = ${workspaceId}`.execute(trx);
  const row = r.rows[0];
  if (!row) throw new Error('workspace row not visible in its own transaction');
  return row;
}

async function openDpo(trx: Trx, vault: UserVault, workspaceId: string, row: WorkspaceRow): Promise<Dpo> {
  if (!row.dpo_ciphertext) return { dpoName: null, dpoEmail: null };
  const plain = await vault.open(trx, dpoTarget(workspaceId, row.dpo_record_version), row.dpo_ciphertext);
  return JSON.parse(Buffer.from(plain).toString('utf8')) as Dpo;
}

/** The settings every module reads (the read budget, record visibility, the DPO for public pages). */
export async function readWorkspaceSettings(trx: Trx, vault: UserVault, workspaceId: string): Promise<WorkspaceSettings> {
  const row = await loadRow(trx, workspaceId);
  const stored = StoredSettingsSchema.parse(row.settings ?? {});
  return { name: row.name, slug: row.slug, ...stored, ...(await openDpo(trx, vault, workspaceId, row)) };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/**
 * Applies a partial change. Returns the new settings and the names of the
 * fields that changed (for the audit event). The DPO's name and email are
 * sealed together under the workspace key with a fresh record version.
 */
export async function updateWorkspaceSettings(trx: Trx, vault: UserVault, workspaceId: string, patch: SettingsPatch): Promise<{ settings: WorkspaceSettings; changed: string[] }> {
  const before = await readWorkspaceSettings(trx, vault, workspaceId);
  const after: WorkspaceSettings = { ...before, ...patch };
  const changed = (Object.keys(patch) as Array<keyof WorkspaceSettings>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return { settings: before, changed };
  const stored = { region: after.region, require2faForAll: after.require2faForAll, readBudgetPerHour: after.readBudgetPerHour, recordVisibility: after.recordVisibility };
  try {
    // Savepoint: a taken slug must not abort the caller's transaction.
    await sql`savepoint settings_update`.execute(trx);
    await sql`update workspaces set name = ${after.name}, slug = ${after.slug}, settings = settings || ${JSON.stringify(stored)}::jsonb where id = ${workspaceId}`.execute(trx);
    await sql`release savepoint settings_update`.execute(trx);
  } catch (err) {
    await sql`rollback to savepoint settings_update`.execute(trx);
    if (isUniqueViolation(err)) throw conflict('This slug is taken; choose another.', 'slug-taken');
    throw err;
  }
  if (changed.includes('dpoName') || changed.includes('dpoEmail')) {
    const row = await loadRow(trx, workspaceId);
    const version = row.dpo_record_version + 1;
    const dpo: Dpo = { dpoName: after.dpoName, dpoEmail: after.dpoEmail };
    const sealed = dpo.dpoName === null && dpo.dpoEmail === null ? null : await vault.seal(trx, dpoTarget(workspaceId, version), Buffer.from(JSON.stringify(dpo), 'utf8'));
    await sql`update workspaces set dpo_ciphertext = ${sealed}, dpo_record_version = ${version} where id = ${workspaceId}`.execute(trx);
  }
  return { settings: after, changed };
}

/** Sets the workspace closing: from the next request on, every session and token of it is refused. */
export async function markClosing(trx: Trx, workspaceId: string): Promise<void> {
  await sql`update workspaces set status = 'closing' where id = ${workspaceId}`.execute(trx);
}
