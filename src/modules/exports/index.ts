/** Contact exports (docs/exports.md): routes for the composition root, the purge for its hourly job. */
import { defineModule } from '../../kernel/module.js';
import { purgeExpiredExports as purgeExports } from './service.js';
import { registerExportRoutes as exportRoutes } from './routes.js';

export { registerExportRoutes } from './routes.js';
export { purgeExpiredExports, createExport, EXPORT_TTL_MS, EXPORTED_KIND, CSV_HEADER, AUDIT_IDS_PER_EVENT } from './service.js';

export const exportsModule = defineModule({
  name: 'exports',
  tables: ['contact_exports', 'contact_export_chunks'],
  routes: exportRoutes,
  // Exports download for 24 hours; then their sealed files go (docs/exports.md).
  jobs: [{ kind: 'exports.purge', every: 3_600, run: async (ctx, job) => void (await purgeExports(ctx, job.now)) }],
});
