export { Keyring, type KeyringLoadOptions } from './keyring.js';
export {
  Vault,
  DecryptionError,
  FORGET_LIST_FILE,
  forgetListPath,
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
export { destroyExpiredMasterKeys, replayForgetList, rotateKeys, type RotateOptions, type RotateResult } from './rotation.js';
export { sealWithKey, openWithKey, sealJsonWithKey, openJsonWithKey } from './fields.js';
