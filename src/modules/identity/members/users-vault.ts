import type { SealTarget } from '../../../platform/crypto/index.js';
import type { Trx } from '../../../platform/db/database.js';

/** Where a sealed value lives: the vault binds it into the ciphertext's associated data. */
export type SealContext = SealTarget;

/**
 * The part of the platform vault (src/platform/crypto) that accounts and
 * workspace creation use. Naming only these calls keeps the modules testable
 * and says exactly which keys they touch.
 */
export interface UserVault {
  createWorkspaceKeys(trx: Trx, workspaceId: string): Promise<unknown>;
  seal(trx: Trx, ctx: SealContext, plaintext: Buffer): Promise<Buffer>;
  open(trx: Trx, ctx: SealContext, ciphertext: Buffer): Promise<Uint8Array>;
  blindIndex(trx: Trx, workspaceId: string, indexName: string, normalizedValue: string): Promise<Buffer>;
  blindIndexCandidates(trx: Trx, workspaceId: string, indexName: string, normalizedValue: string): Promise<Buffer[]>;
}
