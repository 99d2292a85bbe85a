import type { AppContext } from '../../kernel/context.js';
import { recordAudit } from '../../platform/audit/record.js';
import type { WorkspaceDeps } from './service.js';

export function workspaceDepsFor(ctx: AppContext): Promise<WorkspaceDeps> {
  return Promise.resolve({ db: ctx.db, vault: ctx.vault, recordAudit });
}
