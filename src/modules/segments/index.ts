/** Segments (docs/crm-segments-and-merge.md): routes for the composition root, the service for exports. */
import { defineModule } from '../../kernel/module.js';
import { registerSegmentRoutes } from './routes.js';
import { segmentListScope } from './service.js';

export { createSegment, getSegment, listSegments, segmentListScope, type Caller } from './service.js';
export { compileRules } from './rules.js';
export { RuleSchema, type Rule, type SegmentInput, type SegmentView } from './schemas.js';

export const segmentsModule = defineModule({
  name: 'segments',
  tables: ['segments'],
  routes: registerSegmentRoutes,
  // `GET /contacts?segmentId=` and exports of a segment narrow by what the segment means here.
  hooks: { 'contacts.segmentScope': (ctx, trx, workspaceId, segmentId) => segmentListScope(ctx, trx, workspaceId, segmentId) },
});
