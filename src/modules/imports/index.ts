/** Contact imports: the file, its progress and its error file; contacts land through the contacts module. */
import { defineModule } from '../../kernel/module.js';
import { registerContactImportCommand } from './cli.js';
import { IMPORTS_PURGE_JOB, purgeImports } from './purge.js';
import { importJob, registerImportRoutes } from './routes.js';

export const importsModule = defineModule({
  name: 'imports',
  tables: ['imports', 'import_chunks'],
  routes: registerImportRoutes,
  jobs: [
    importJob,
    // Interrupted uploads fail, imports left uploading for a day go, and error files some days after their
    // import ended (docs/imports.md).
    {
      kind: IMPORTS_PURGE_JOB,
      every: 600,
      run: async (ctx, job) => {
        const result = await purgeImports(ctx, job.now, { errorFileDays: ctx.config.importErrorsRetentionDays });
        if (result.abandonedUploads + result.interruptedUploads + result.expiredErrorFiles > 0) ctx.logger.info(result, 'imports housekeeping');
      },
    },
  ],
  commands: registerContactImportCommand,
});
