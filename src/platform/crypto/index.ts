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
} from './vault.js';
export type { RotateOptions, RotateResult } from './rotation.js';
export { sealWithKey, openWithKey, sealJsonWithKey, openJsonWithKey } from './fields.js';
