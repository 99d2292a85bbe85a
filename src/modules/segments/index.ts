/** Segments (docs/crm-segments-and-merge.md): routes for the composition root, the service for exports. */
export { registerSegmentRoutes } from './routes.js';
export { createSegment, getSegment, listSegments, segmentListScope, type Caller } from './service.js';
export { compileRules } from './rules.js';
export { RuleSchema, type Rule, type SegmentInput, type SegmentView } from './schemas.js';
