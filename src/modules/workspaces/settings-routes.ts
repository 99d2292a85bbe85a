import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, recordAudit } from '../../platform/audit/index.js';
import { forbidden, validationFailed } from '../../platform/errors.js';
import { auditActor } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { notifyOwners } from '../identity/index.js';
import { SlugSchema, WorkspaceNameSchema } from './schemas.js';
import { RecordVisibilitySchema, markClosing, readWorkspaceSettings, updateWorkspaceSettings } from './settings-service.js';

export const WorkspaceSettingsSchema = z.object({
  name: z.string(),
  slug: z.string(),
  region: z.string().nullable(),
  dpoName: z.string().nullable(),
  dpoEmail: z.string().nullable(),
  require2faForAll: z.boolean(),
  readBudgetPerHour: z.number().int(),
  recordVisibility: RecordVisibilitySchema,
});

const SettingsPatchSchema = z
  .object({
    name: WorkspaceNameSchema,
    slug: SlugSchema,
    // A hosting region code such as `eu` or `eu-central`: where the operator says the data lives.
    region: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'Use a short lower-case code such as eu or eu-central.').nullable(),
    dpoName: z.string().trim().min(1).max(200).nullable(),
    dpoEmail: z.string().trim().max(254).pipe(z.email('Enter an email address.')).nullable(),
    require2faForAll: z.boolean(),
    readBudgetPerHour: z.number().int().min(1).max(1_000_000),
    recordVisibility: RecordVisibilitySchema,
  })
  .partial()
  .strict();

const CloseBodySchema = z.object({
  /** The workspace's slug, typed again: closing locks everyone out. */
  confirm: z.string().max(100),
});

/** camelCase field names as audit codes (codes are lower-case). */
const codeOf = (field: string) => auditCode(field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/**
 * Workspace settings (owner and admin: workspace:manage, for reading too — the
 * DPO's contact and security settings are administration; members learn the
 * workspace's slug from /api/v1/me). Closing is for owners only, in a session.
 */
export function registerWorkspaceSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/api/v1/workspace', {
    config: { permission: 'workspace:manage' },
    schema: { tags: ['workspace'], summary: 'Workspace settings', response: { 200: WorkspaceSettingsSchema } },
  }, async (req) => inWorkspace(ctx, req, (trx, auth) => readWorkspaceSettings(trx, ctx.vault, auth.workspaceId)));

  typed.patch('/api/v1/workspace', {
    config: { permission: 'workspace:manage' },
    schema: { tags: ['workspace'], summary: 'Change workspace settings', body: SettingsPatchSchema, response: { 200: WorkspaceSettingsSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    const { settings, changed } = await updateWorkspaceSettings(trx, ctx.vault, auth.workspaceId, req.body);
    if (changed.length > 0) {
      await recordAudit(trx, {
        action: 'workspace.settings_changed',
        actor: auditActor(auth),
        details: { fields: changed.map(codeOf), ...(changed.includes('require2faForAll') ? { require2faForAll: settings.require2faForAll } : {}) },
        requestId: String(req.id),
      });
    }
    return settings;
  }));

  typed.post('/api/v1/workspace/close', {
    config: { permission: 'workspace:manage' },
    schema: { tags: ['workspace'], summary: 'Start closing the workspace: every sign-in, session and token is refused from now on', body: CloseBodySchema, response: { 200: z.object({ status: z.literal('closing') }) } },
  }, async (req) => {
    await inWorkspace(ctx, req, async (trx, auth) => {
      if (auth.kind !== 'session' || auth.role !== 'owner') throw forbidden('Only an owner, signed in, can close the workspace.');
      const { slug, name } = await readWorkspaceSettings(trx, ctx.vault, auth.workspaceId);
      if (req.body.confirm !== slug) throw validationFailed([{ path: 'confirm', message: "Type the workspace's slug to confirm." }]);
      await markClosing(trx, auth.workspaceId);
      await recordAudit(trx, { action: 'workspace.closing', actor: auditActor(auth), requestId: String(req.id) });
      await notifyOwners(trx, ctx.vault, auth.workspaceId, `${name} is closing`,
        `An owner started closing ${name}. From now on nobody can sign in to it and its API tokens are refused.\n` +
          `If this was not intended, ask the operator of this installation at once.\n`);
    });
    return { status: 'closing' as const };
  });
}
