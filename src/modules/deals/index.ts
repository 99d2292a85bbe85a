/** Pipelines and deals (docs/crm-deals-notes-tasks.md): routes for the composition root, the service for the timeline. */
import { defineModule } from '../../kernel/module.js';
import { resealRows } from '../../platform/crypto/sealed-text.js';
import { registerDealRoutes, registerPipelineRoutes } from './routes.js';

export { listPipelines, ensureDefaultPipeline, type Pipeline, type Stage } from './pipelines.js';
export { createDeal, updateDeal, deleteDeal, listDeals, dealViews, getDealRow, memberRef, type Deal, type DealInput, type DealPatch } from './service.js';
export { dealsOfContact } from './queries.js';

export const dealsModule = defineModule({
  name: 'deals',
  tables: ['pipelines', 'pipeline_stages', 'deals'],
  routes: (app, ctx) => {
    registerPipelineRoutes(app, ctx);
    registerDealRoutes(app, ctx);
  },
  hooks: {
    // A merge carries the merged person's deals over: their text is resealed under the kept person's key (the merged person's key is shredded next).
    'contacts.merged': (trx, m) =>
      resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'deals', column: 'record', subjectColumn: 'subject_id', fromSubject: m.mergeId, toSubject: m.keepId }).then(() => undefined),
  },
});
