import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { chainAll } from './chainer.js';

/**
 * The audit chainer runs as a short loop in every process with background
 * work, rather than as a queued job: chaining every ~200 ms keeps the
 * unchained tail under a second, and a job round-trip per tick would cost
 * more than the chaining. Several processes may run it: the chain head lock
 * serializes them.
 */
export class AuditChainerLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .then(() => undefined)
        .finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async tick(): Promise<number> {
    try {
      const results = await chainAll(this.db);
      return results.reduce((n, r) => n + r.chained, 0);
    } catch (err) {
      this.logger.warn({ err }, 'audit chainer round failed');
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
