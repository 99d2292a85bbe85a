/** Contact exports (docs/exports.md): routes for the composition root, the purge for its hourly job. */
export { registerExportRoutes } from './routes.js';
export { purgeExpiredExports, createExport, EXPORT_TTL_MS, EXPORTED_KIND, CSV_HEADER, AUDIT_IDS_PER_EVENT } from './service.js';
