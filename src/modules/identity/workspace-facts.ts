/**
 * What identity needs to know of a member's workspace: its name and slug for
 * mails and the otpauth label, whether it still takes sign-ins and
 * invitations, and whether it asks every member for 2FA. The workspaces
 * module owns that table and depends on identity (a workspace is made with
 * its owner), so identity offers this hook point and workspaces' definition
 * gives the handler: the import stays one-way.
 */
import type { Hooks } from '../../kernel/hooks.js';
import type { Trx } from '../../platform/db/database.js';

export interface WorkspaceFacts {
  name: string;
  slug: string;
  /** `active`, or `closing` (no sign-in, no new member). */
  status: string;
  /** The workspace setting `require2faForAll` (false when unset). */
  require2faForAll: boolean;
}

/** The facts of one workspace, read in the caller's transaction (RLS applies); null when it cannot see it. */
export type WorkspaceFactsReader = (trx: Trx, workspaceId: string) => Promise<WorkspaceFacts | null>;

declare module '../../kernel/hooks.js' {
  interface HookPoints {
    /** A workspace's facts for identity (one handler: the workspaces module). */
    'identity.workspace': WorkspaceFactsReader;
  }
}

/** The workspace's facts through the hook; a missing handler is a wiring error, never a silent default. */
export async function workspaceFacts(hooks: Pick<Hooks, 'one'>, trx: Trx, workspaceId: string): Promise<WorkspaceFacts | null> {
  const read = hooks.one('identity.workspace');
  if (!read) throw new Error('identity needs the identity.workspace hook (given by the workspaces module), and no module gives it');
  return read(trx, workspaceId);
}
