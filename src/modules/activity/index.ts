/** Activity: a contact's timeline across notes, tasks, deals and the audit trail. */
import { defineModule } from '../../kernel/module.js';
import { registerTimelineRoutes } from './timeline.js';

export const activityModule = defineModule({ name: 'activity', routes: registerTimelineRoutes });
