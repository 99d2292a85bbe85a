/** First-run setup: the one-time link and the form that creates the first workspace (docs/install.md). */
import { defineModule } from '../../kernel/module.js';
import { onStartedSetupLink } from './link.js';
import { registerSetupRoutes } from './routes.js';

export const setupModule = defineModule({
  name: 'setup',
  tables: ['setup_tokens'],
  routes: registerSetupRoutes,
  onStarted: onStartedSetupLink,
});
