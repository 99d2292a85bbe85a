/**
 * The contacts module (docs/crm-contacts.md): routes for the composition
 * root, and the service other modules (import, export, merge) call.
 */
import { defineModule } from '../../kernel/module.js';
import { onCompanyRenamed, retokenJob } from './company-retoken.js';
import { reindexContacts as reindex } from './lookup.js';
import { registerMergeRoutes } from './merge-routes.js';
import { reindexJob } from './reindex-job.js';
import { registerContactRoutes as contactRoutes } from './routes.js';

export { registerContactRoutes } from './routes.js';
export { createContacts, getContacts, getVisibleContacts, visibleContactIds, getContactRows, findByEmail, findByPhone, findDuplicate, findDuplicates, toView, type CreateOptions } from './service.js';
export { updateContact, deleteContact, type UpdateResult } from './mutate.js';
export { insertSealedContacts, exactLookupValues, type SealedNewContact } from './bulk.js';
export { listContacts, TOTAL_CAP, type ListPage } from './search.js';
export { MEMORY_SORT_CAP, type ListRequest, type ListScope } from './matches.js';
export { segmentScope, type SegmentScopeResolver } from './segment-scope.js';
export { countryOf } from './lookup.js';
export { KIND, termsLiteral } from './queries.js';
export { termOf, valueOfIndex, workspaceTag, TERM_KIND } from './terms.js';
export { normalizeCountry, normalizeTag } from './normalize.js';
export { openRecords } from './record.js';
export { canSee, ownerScope, visibleRow, type OwnerScope } from './access.js';
export { conditionsWhere, countMatching, type ContactCondition } from './conditions.js';
export { reindexContacts, INDEXES, TOKEN_INDEX, INDEX_NAMES } from './lookup.js';
export { isValidEmail, normalizeEmail, normalizePhone } from './normalize.js';
export { defaultCountry } from './deps.js';
export { LAWFUL_BASES, type ContactInput, type ContactPatch, type ContactView, type LawfulBasis, type ParsedContactInput } from './schemas.js';
export { prepareBatch, contactMaker, clusteredIds, ID_RUN, COMPANY_MAX, type BatchOptions, type ContactMaker, type Draft, type Made, type MadeContact, type MakeContext, type MadeFailure, type References, type SealedContact } from './make.js';
export { FLAT_FIELDS, flatDraft, flatValues, flatRejection, makeFlatBatch, type FlatContext, type FlatDefaults, type FlatField, type FlatMade, type FlatRow, type FlatValues, type MadeRow } from './flat.js';
export { startContactMakers, type ContactMakers } from './make-pool.js';
export type { ContactRecord } from './record.js';
export { mergeContacts, MERGE_FIELDS, type MergeHook, type MergeHookInput, type MergeInput } from './merge.js';

export const contactsModule = defineModule({
  name: 'contacts',
  tables: ['contacts', 'contact_lookup', 'contact_company_retoken'],
  routes: (app, ctx) => {
    contactRoutes(app, ctx);
    registerMergeRoutes(app, ctx);
  },
  // A company rename re-tokens its contacts in a job; migration 0021 queues re-indexes.
  jobs: [retokenJob, reindexJob],
  reindexers: [{ name: 'contacts', run: (vault, trx, workspaceId) => reindex(trx, vault, workspaceId).then(() => undefined) }],
  offers: ['contacts.merged', 'contacts.segmentScope'],
  hooks: { 'companies.renamed': onCompanyRenamed },
});
