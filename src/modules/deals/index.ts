/** Pipelines and deals (docs/crm-deals-notes-tasks.md): routes for the composition root, the service for the timeline. */
export { registerPipelineRoutes, registerDealRoutes } from './routes.js';
export { listPipelines, ensureDefaultPipeline, type Pipeline, type Stage } from './pipelines.js';
export { createDeal, updateDeal, deleteDeal, listDeals, dealViews, type Deal, type DealInput, type DealPatch } from './service.js';
export { dealsOfContact } from './queries.js';
