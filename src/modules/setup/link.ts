import type { AppContext } from '../../kernel/context.js';
import { issueSetupToken } from './service.js';

/**
 * The base URL people open: PUBLIC_URL when the operator set one, else the
 * address the server actually listens on (PORT=0 picks one at random).
 */
export function setupBaseUrl(ctx: Pick<AppContext, 'config'>, listeningUrl: string): string {
  const { publicUrl, port } = ctx.config;
  const isDefault = publicUrl === `http://localhost:${port}`;
  return (isDefault ? listeningUrl : publicUrl).replace(/\/+$/, '');
}

/**
 * The link goes to the console, not to the structured log: the token is a
 * secret and log lines are shipped and kept. It sits in the URL fragment, so
 * the browser never sends it in a request line that a proxy might log.
 */
export function createSetupLinkStep(print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
  return async (ctx: AppContext, url: string): Promise<string | null> => {
    const token = await issueSetupToken(ctx.db);
    if (!token) return null;
    const link = `${setupBaseUrl(ctx, url)}/setup#token=${token}`;
    ctx.logger.info('first-run setup is open: the one-time setup link is printed on the console');
    print(`Open ${link} to create the first workspace`);
    return link;
  };
}

/** For startServer's onStarted: prints the one-time setup link when no workspace exists. */
export const onStartedSetupLink: (ctx: AppContext, url: string) => Promise<void> = async (ctx, url) => {
  await createSetupLinkStep()(ctx, url);
};
