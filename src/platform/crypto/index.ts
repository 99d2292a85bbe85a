export { Keyring, type KeyringLoadOptions } from './keyring.js';
export {
  Vault,
  DecryptionError,
  FORGET_LIST_FILE,
  forgetListPath,
  rotateKeys,
  destroyExpiredMasterKeys,
  replayForgetList,
  type DecryptionErrorCode,
  type DataKey,
  type SealTarget,
  type VaultOptions,
  type Reindexer,
  type BulkKeys,
  wrapSubjectKeyWith,
  blindIndexWith,
} from './vault.js';
export { BlockPrf } from './block-prf.js';
export type { RotateOptions, RotateResult } from './rotation.js';
export { sealWithKey, openWithKey, sealJsonWithKey, openJsonWithKey } from './fields.js';
