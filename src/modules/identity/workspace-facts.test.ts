import { describe, expect, it } from 'vitest';
import { Hooks } from '../../kernel/hooks.js';
import type { Trx } from '../../platform/db/database.js';
import { workspaceFacts, type WorkspaceFacts } from './workspace-facts.js';

const trx = {} as Trx;
const facts: WorkspaceFacts = { name: 'Acme', slug: 'acme', status: 'active', require2faForAll: false };

describe('identity.workspace', () => {
  it('asks the one handler, with the caller’s transaction and the workspace id', async () => {
    const seen: unknown[] = [];
    const hooks = new Hooks(['identity.workspace'], [
      { module: 'workspaces', hooks: { 'identity.workspace': async (t, id) => (seen.push(t, id), facts) } },
    ]);
    await expect(workspaceFacts(hooks, trx, 'w-1')).resolves.toEqual(facts);
    expect(seen).toEqual([trx, 'w-1']);
  });

  it('refuses to guess when no module gives the handler', async () => {
    const hooks = new Hooks(['identity.workspace'], []);
    await expect(workspaceFacts(hooks, trx, 'w-1')).rejects.toThrow(/identity\.workspace/);
  });
});
