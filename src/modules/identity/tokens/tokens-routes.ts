import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import type { Hooks } from '../../../kernel/hooks.js';
import { inWorkspace } from '../../../kernel/route.js';
import { auditCode, auditId, recordAudit, type AuditEventInput } from '../../../platform/audit/index.js';
import type { Database, Trx } from '../../../platform/db/database.js';
import { conflict, forbidden, notFound, validationFailed, type FieldError } from '../../../platform/errors.js';
import { text } from '../../../platform/http/text.js';
import { auditActor, requireAuth, type AuthState } from '../../../kernel/auth.js';
import { notifyOwners, openUserEmail, workspaceName, type MemberRow, type MemberVault } from '../members/members-queries.js';
import { MANAGE_SCOPES, isPermission } from '../members/permissions.js';
import { PERMISSIONS, type Permission } from '../../../kernel/access.js';
import { DEFAULT_TOKEN_DAYS, insertApiToken } from './tokens.js';

/** A token lives at most a year: a forgotten one must die on its own. */
export const MAX_TOKEN_DAYS = 365;
const DAY_MS = 86_400_000;

export interface TokenDeps {
  db: Database;
  vault: MemberVault;
  /** For the workspace's name in the owners' mail (identity.workspace). */
  hooks: Pick<Hooks, 'one'>;
}

export interface IssueTokenInput {
  workspaceId: string;
  name: string;
  scopes: readonly string[];
  expiresAt?: Date;
  now: Date;
  /** The member making it, with what they hold now; null: the operator (CLI), bounded only by what it grants. */
  maker: { userId: string; permissions: ReadonlySet<Permission> } | null;
  actor: AuditEventInput['actor'];
  requestId?: string | null;
}

/**
 * The scopes a token gets. `all` is every scope but the manage ones — for a
 * member, every one *they hold* but the manage ones. A scope named
 * explicitly that the maker does not hold is a 422 naming it: a token never
 * does more than its maker (the auth hook re-checks on every request too).
 */
export function resolveScopes(requested: readonly string[], held: ReadonlySet<Permission> | null): Permission[] {
  const errors: FieldError[] = [];
  const out = new Set<Permission>();
  requested.forEach((s, i) => {
    if (s === 'all') {
      for (const p of PERMISSIONS) if (!MANAGE_SCOPES.has(p) && (!held || held.has(p))) out.add(p);
    } else if (!isPermission(s)) {
      errors.push({ path: `scopes.${i}`, message: `Unknown scope ${s.slice(0, 40)}.` });
    } else if (held && !held.has(s)) {
      errors.push({ path: `scopes.${i}`, message: `You do not hold ${s}, so a token you make cannot either.` });
    } else out.add(s);
  });
  if (errors.length === 0 && out.size === 0) errors.push({ path: 'scopes', message: 'Give the token at least one scope.' });
  if (errors.length > 0) throw validationFailed(errors, 'A token can only have scopes its maker holds.');
  return PERMISSIONS.filter((p) => out.has(p));
}

function checkExpiry(expiresAt: Date | undefined, now: Date): Date {
  const at = expiresAt ?? new Date(now.getTime() + DEFAULT_TOKEN_DAYS * DAY_MS);
  if (at <= now || at.getTime() > now.getTime() + MAX_TOKEN_DAYS * DAY_MS) {
    throw validationFailed([{ path: 'expiresAt', message: `Choose a time in the next ${MAX_TOKEN_DAYS} days.` }]);
  }
  return at;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

async function makerLabel(trx: Trx, deps: TokenDeps, workspaceId: string, userId: string | null): Promise<string> {
  if (!userId) return 'the operator (command line)';
  const r = await sql<MemberRow>`select id, email_ciphertext, record_version from users where id = ${userId}`.execute(trx);
  return r.rows[0] ? openUserEmail(trx, deps.vault, workspaceId, r.rows[0]) : 'a former member';
}

/** Makes a token (shown once), audits it and tells every owner, in one transaction. */
export async function issueToken(deps: TokenDeps, input: IssueTokenInput): Promise<{ id: string; token: string; name: string; scopes: Permission[]; expiresAt: string }> {
  const scopes = resolveScopes(input.scopes, input.maker?.permissions ?? null);
  const expiresAt = checkExpiry(input.expiresAt, input.now);
  const createdBy = input.maker?.userId ?? null;
  try {
    return await deps.db.withWorkspace(input.workspaceId, async (trx) => {
      const issued = await insertApiToken(trx, { workspaceId: input.workspaceId, name: input.name, scopes, createdBy, now: input.now, expiresAt });
      await recordAudit(trx, {
        action: 'token.created',
        actor: input.actor,
        details: { tokenId: auditId(issued.id), scopes: scopes.map(auditCode), days: Math.round((expiresAt.getTime() - input.now.getTime()) / DAY_MS) },
        requestId: input.requestId ?? null,
      });
      const ws = await workspaceName(deps.hooks, trx, input.workspaceId);
      await notifyOwners(trx, deps.vault, input.workspaceId, `A new API token in ${ws}`,
        `An API token named "${input.name}" was made in ${ws} by ${await makerLabel(trx, deps, input.workspaceId, createdBy)}.\n` +
          `Scopes: ${scopes.join(', ')}\nExpires: ${expiresAt.toISOString()}\n\nIf you did not expect it, revoke it from the API tokens page.\n`);
      return { id: issued.id, token: issued.token, name: input.name, scopes, expiresAt: expiresAt.toISOString() };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A live token already has this name.', 'token-name-taken');
    throw err;
  }
}

interface TokenRow {
  id: string;
  name: string;
  scopes: string[];
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Revokes one live token (by id or by name), limited to one maker's tokens when `madeBy` is given. */
export async function revokeToken(trx: Trx, where: { id?: string; name?: string; madeBy?: string }, now: Date): Promise<string | null> {
  const r = await sql<{ id: string }>`update api_tokens set revoked_at = ${now}
    where revoked_at is null
      and (${where.id ?? null}::uuid is null or id = ${where.id ?? null}::uuid)
      and (${where.name ?? null}::text is null or name = ${where.name ?? null}::text)
      and (${where.madeBy ?? null}::uuid is null or created_by = ${where.madeBy ?? null}::uuid)
    returning id`.execute(trx);
  return r.rows[0]?.id ?? null;
}

export const TokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.union([z.uuid(), z.literal('operator')]),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const CreateTokenSchema = z.object({
  name: text().trim().min(1).max(100),
  scopes: z.array(z.string().max(64)).min(1).max(PERMISSIONS.length + 1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const CreatedTokenSchema = z.object({ id: z.uuid(), token: z.string(), name: z.string(), scopes: z.array(z.string()), expiresAt: z.string() });
const TokenParamsSchema = z.object({ id: z.uuid() });

/**
 * Whose tokens a caller manages: all of them with tokens:manage, else their own.
 * A token without tokens:manage manages none (tokens do not manage tokens).
 */
function tokenScope(auth: AuthState): { madeBy?: string } {
  if (auth.permissions.has('tokens:manage')) return {};
  if (auth.kind !== 'session' || !auth.userId) throw forbidden('Managing tokens with a token needs the tokens:manage scope.');
  return { madeBy: auth.userId };
}

function view(t: TokenRow): z.infer<typeof TokenSchema> {
  return {
    id: t.id, name: t.name, scopes: t.scopes, createdBy: t.created_by ?? 'operator',
    createdAt: t.created_at.toISOString(), expiresAt: t.expires_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null, revokedAt: t.revoked_at?.toISOString() ?? null,
  };
}

export function registerTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/api/v1/tokens', {
    config: { permission: 'authenticated' },
    schema: { tags: ['identity'], summary: 'API tokens: your own, or all with tokens:manage (newest first, at most 500)', response: { 200: z.object({ items: z.array(TokenSchema), nextCursor: z.null() }) } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    const { madeBy } = tokenScope(auth);
    const rows = await sql<TokenRow>`select id, name, scopes, created_by, created_at, expires_at, last_used_at, revoked_at from api_tokens
      where (${madeBy ?? null}::uuid is null or created_by = ${madeBy ?? null}::uuid)
      order by created_at desc, id limit 500`.execute(trx);
    return { items: rows.rows.map(view), nextCursor: null };
  }));

  typed.post('/api/v1/tokens', {
    config: { permission: 'authenticated' },
    schema: { tags: ['identity'], summary: 'Make an API token for yourself (shown once)', body: CreateTokenSchema, response: { 201: CreatedTokenSchema } },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    // Tokens never make tokens, and a token outlives 2FA: its maker must be a signed-in, enrolled member.
    if (auth.kind !== 'session' || !auth.userId) throw forbidden('Only a signed-in member makes tokens, not a token.');
    if (!auth.totpEnrolled) throw forbidden('Enrol in two-factor authentication before making API tokens.', 'totp-enrolment-required');
    const issued = await issueToken({ db: ctx.db, vault: ctx.vault, hooks: ctx.hooks }, {
      workspaceId: auth.workspaceId, name: req.body.name, scopes: req.body.scopes, now: ctx.now(),
      ...(req.body.expiresAt ? { expiresAt: new Date(req.body.expiresAt) } : {}),
      maker: { userId: auth.userId, permissions: auth.permissions }, actor: { type: 'user', id: auth.userId }, requestId: String(req.id),
    });
    return reply.status(201).send(issued);
  });

  typed.delete('/api/v1/tokens/:id', {
    config: { permission: 'authenticated' },
    schema: { tags: ['identity'], summary: 'Revoke a token: its very next request gets 401', params: TokenParamsSchema, response: { 204: z.null() } },
  }, async (req, reply) => {
    await inWorkspace(ctx, req, async (trx, auth) => {
      const id = await revokeToken(trx, { id: req.params.id, ...tokenScope(auth) }, ctx.now());
      // Someone else's token is as unknown as a missing one.
      if (!id) throw notFound('No such live token.');
      await recordAudit(trx, {
        action: 'token.revoked', actor: auditActor(auth),
        details: { tokenId: auditId(id) }, requestId: String(req.id),
      });
    });
    return reply.status(204).send(null);
  });
}
