/**
 * The contacts module (docs/crm-contacts.md): routes for the composition
 * root, and the service other modules (import, export, merge) call.
 */
export { registerContactRoutes } from './routes.js';
export { createContacts, getContacts, getVisibleContacts, visibleContactIds, getContactRows, findByEmail, findByPhone, findDuplicate, findDuplicates, toView, type CreateOptions } from './service.js';
export { updateContact, deleteContact, type UpdateResult } from './mutate.js';
export { insertSealedContacts, exactLookupValues, type SealedNewContact } from './bulk.js';
export { listContacts, TOTAL_CAP, MEMORY_SORT_CAP, type ListPage, type ListRequest, type ListScope } from './search.js';
export { setSegmentScopeResolver, type SegmentScopeResolver } from './segment-scope.js';
export { countryOf } from './lookup.js';
export { KIND, termsLiteral } from './queries.js';
export { termOf, valueOfIndex, workspaceTag, TERM_KIND } from './terms.js';
export { normalizeCountry, normalizeTag } from './normalize.js';
export { openRecords } from './record.js';
export { canSee, ownerScope, visibleRow, type OwnerScope } from './access.js';
export { registerContactReindexer, reindexContacts, INDEXES, TOKEN_INDEX, INDEX_NAMES } from './lookup.js';
export { normalizeEmail, normalizePhone } from './normalize.js';
export { defaultCountry } from './queries.js';
export type { ContactInput, ContactPatch, ContactView, LawfulBasis } from './schemas.js';
export type { ContactRecord } from './record.js';
export { registerMergeRoutes } from './merge-routes.js';
export { mergeContacts, registerMergeHook, mergeHookNames, MERGE_FIELDS, type MergeHook, type MergeHookInput, type MergeInput } from './merge.js';
