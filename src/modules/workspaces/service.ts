import { randomUUID } from 'node:crypto';
import type { Database, Trx } from '../../platform/db/database.js';
import { auditCode, type AuditEventInput } from '../../platform/audit/event.js';
import { conflict, validationFailed, type FieldError } from '../../platform/errors.js';
import { createUser, type UserVault } from '../identity/index.js';
import { clearSetupToken, insertWorkspace, workspaceBySlug } from './queries.js';
import { CreateWorkspaceInputSchema, type CreatedWorkspace } from './schemas.js';

export interface WorkspaceDeps {
  db: Database;
  vault: UserVault;
  /** The platform's recordAudit: the event commits with what it records. */
  recordAudit: (trx: Trx, event: AuditEventInput) => Promise<unknown>;
}

export interface CreateWorkspaceRequest {
  name: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
  now: Date;
  /** Where the request came from, kept in the audit event. */
  via?: 'cli' | 'setup';
  /** Runs first in the creating transaction; throwing aborts it (the setup token check). */
  guard?: (trx: Trx) => Promise<void>;
}

/** zod issue paths as the problem's field paths. */
export function fieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/**
 * Creates a workspace and its owner in one transaction: the workspace row, its
 * keys, the owner account and the `workspace.created` audit event either all
 * exist afterwards or none does.
 */
export async function createWorkspace(deps: WorkspaceDeps, request: CreateWorkspaceRequest): Promise<CreatedWorkspace> {
  const parsed = CreateWorkspaceInputSchema.safeParse(request);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error.issues));
  const input = parsed.data;
  const workspaceId = randomUUID();
  try {
    return await deps.db.withWorkspace(workspaceId, async (trx) => {
      if (request.guard) await request.guard(trx);
      if (await workspaceBySlug(trx, input.slug)) throw slugConflict();
      await insertWorkspace(trx, { id: workspaceId, slug: input.slug, name: input.name, createdAt: request.now });
      await deps.vault.createWorkspaceKeys(trx, workspaceId);
      const owner = await createUser(
        trx,
        deps.vault,
        { workspaceId, email: input.ownerEmail, password: input.ownerPassword, role: 'owner', now: request.now },
        'ownerEmail',
      );
      await clearSetupToken(trx);
      await deps.recordAudit(trx, {
        action: 'workspace.created',
        // From the CLI the operator acted; through the setup link, the new owner did.
        actor: request.via === 'setup' ? { type: 'user', id: owner.id } : { type: 'operator' },
        subjectIds: [],
        details: { via: auditCode(request.via ?? 'cli') },
      });
      return { workspaceId, ownerUserId: owner.id };
    });
  } catch (err) {
    // Two creators racing for one slug: the loser's insert hits the unique index.
    if (isUniqueViolation(err)) throw slugConflict();
    throw err;
  }
}

function slugConflict() {
  return conflict('This slug is taken; choose another.', 'slug-taken');
}
