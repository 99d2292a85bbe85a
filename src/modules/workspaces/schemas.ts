import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../identity/index.js';

/** The same rule as the workspaces.slug check constraint (0001_tenancy.sql). */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const WorkspaceNameSchema = z.string().trim().min(1, 'Give the workspace a name.').max(200);
export const SlugSchema = z
  .string()
  .trim()
  .regex(SLUG_PATTERN, 'Use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.');
export const OwnerEmailSchema = z.string().trim().max(254).pipe(z.email('Enter an email address.'));
export const OwnerPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);

/** What creating a workspace takes, from the CLI or the setup page. */
export const CreateWorkspaceInputSchema = z.object({
  name: WorkspaceNameSchema,
  slug: SlugSchema,
  ownerEmail: OwnerEmailSchema,
  ownerPassword: OwnerPasswordSchema,
});
export type CreateWorkspaceInput = z.infer<typeof CreateWorkspaceInputSchema>;

export const CreatedWorkspaceSchema = z.object({
  workspaceId: z.uuid(),
  ownerUserId: z.uuid(),
});
export type CreatedWorkspace = z.infer<typeof CreatedWorkspaceSchema>;
