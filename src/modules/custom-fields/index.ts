/** Custom fields: the workspace's own contact fields. */
import { defineModule } from '../../kernel/module.js';
import { registerCustomFieldRoutes } from './routes.js';

export { validateCustomFieldValues } from './values.js';

export const customFieldsModule = defineModule({
  name: 'custom-fields',
  tables: ['custom_fields'],
  routes: registerCustomFieldRoutes,
});
