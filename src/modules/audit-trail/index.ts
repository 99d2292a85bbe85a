/** The audit trail as members read and export it (the chain itself is platform/audit). */
import { defineModule } from '../../kernel/module.js';
import { registerAuditTrailRoutes } from './routes.js';

export const auditTrailModule = defineModule({ name: 'audit-trail', routes: registerAuditTrailRoutes });
