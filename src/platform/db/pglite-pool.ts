import type { PGlite } from '@electric-sql/pglite';

/**
 * A pg-Pool look-alike over PGlite's single connection, for Kysely's
 * PostgresDialect. PGlite does not serialize callers: two transactions
 * interleaved on its one connection would commit each other's work and run
 * queries outside their role and workspace (VERSIONS.md trap 2). So `connect()`
 * hands the connection to one caller at a time, in arrival order.
 */
export interface PoolClientLike {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number; command: string }>;
  release(): void;
}

export class PGliteSerialPool {
  private queue: Array<() => void> = [];
  private busy = false;
  private ended = false;

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PoolClientLike> {
    if (this.ended) throw new Error('database is closed');
    await this.acquire();
    let released = false;
    return {
      query: async (sql, params) => {
        const result = await this.pglite.query(sql, params ? [...params] : []);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command: commandOf(sql) };
      },
      release: () => {
        if (released) return;
        released = true;
        this.releaseNext();
      },
    };
  }

  /** Runs `fn` with the connection held, for multi-statement scripts (migrations). */
  async exclusive<T>(fn: (pglite: PGlite) => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn(this.pglite);
    } finally {
      this.releaseNext();
    }
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.acquire();
    try {
      await this.pglite.close();
    } finally {
      this.releaseNext();
    }
  }

  get waiting(): number {
    return this.queue.length;
  }

  private acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private releaseNext(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.busy = false;
  }
}

function commandOf(sql: string): string {
  const match = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|select)\b/i.exec(sql);
  return match?.[1]?.toUpperCase() ?? 'SELECT';
}
