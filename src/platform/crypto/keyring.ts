import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DecryptionError, KEY_LEN, deriveKey } from './envelope.js';
import { ensurePrivateDir, readJsonFile, secureRemove, writeFileAtomic, writePrivateFileExclusive } from './files.js';

export interface KeyringLoadOptions {
  dir: string;
  inline?: string | undefined;
  dataDir: string;
  warn: (msg: string) => void;
  now?: () => Date;
}

interface EpochMeta {
  createdAt: string;
  retiredAt?: string;
  destroyedAt?: string;
}
type EpochsFile = { epochs: Record<string, EpochMeta> };

const MASTER_RE = /^master-(\d+)\.key$/;
const PURPOSE_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const EPOCHS_FILE = 'epochs.json';
// Another process (the CLI rotating or destroying) changes the directory under a
// running server: it re-reads the listing at most this often.
const REFRESH_MS = 5_000;

/**
 * The master keys, one per epoch, kept outside the database: in `CONFIDANT_KEYS_DIR`
 * (0700, one 0600 file per epoch) or given inline by the operator in
 * `CONFIDANT_MASTER_KEYS`. The directory also holds the forget list, epoch
 * metadata (created, retired, destroyed) and the audit checkpoints.
 */
export class Keyring {
  private keys = new Map<number, Buffer>();
  private purposeKeys = new Map<string, Buffer>();
  private lastRefresh = 0;

  private constructor(
    readonly dir: string,
    private readonly inlineRing: { purposeRoot: Buffer } | null,
    readonly warn: (msg: string) => void,
    private readonly now: () => Date,
  ) {}

  static async load(opts: KeyringLoadOptions): Promise<Keyring> {
    const dir = path.resolve(opts.dir);
    const now = opts.now ?? (() => new Date());
    if (isInside(dir, path.resolve(opts.dataDir))) {
      opts.warn(
        `the key directory ${dir} is inside the data directory: a copy or backup of the data directory ` +
          'then carries the keys that open it. Set CONFIDANT_KEYS_DIR outside it.',
      );
    }
    if (ensurePrivateDir(dir)) {
      opts.warn(
        `created the key directory ${dir} (mode 0700). Back it up separately from the database ` +
          'and keep those backups no longer than BACKUP_RETENTION_DAYS.',
      );
    } else if ((fs.statSync(dir).mode & 0o077) !== 0) {
      opts.warn(`the key directory ${dir} is open to other users; chmod 700 it`);
    }
    if (opts.inline !== undefined && opts.inline.trim() !== '') {
      const { keys, purposeRoot } = parseInline(opts.inline, opts.warn);
      const ring = new Keyring(dir, { purposeRoot }, opts.warn, now);
      ring.keys = keys;
      ring.recordSeen();
      return ring;
    }
    const ring = new Keyring(dir, null, opts.warn, now);
    ring.refresh(true);
    if (ring.keys.size === 0) {
      const meta = ring.readMeta();
      if (Object.values(meta.epochs).some((m) => m.destroyedAt === undefined)) {
        throw new Error(`the key directory ${dir} lists epochs whose key files are missing; restore them first`);
      }
      await ring.addEpoch();
    }
    return ring;
  }

  get isInline(): boolean {
    return this.inlineRing !== null;
  }

  currentEpoch(): number {
    this.refresh(false);
    const epochs = [...this.keys.keys()];
    if (epochs.length === 0) throw new DecryptionError('unknown_key', 'the key ring holds no master key');
    return Math.max(...epochs);
  }

  /** Live epochs, oldest first. */
  epochs(): number[] {
    this.refresh(false);
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  masterKey(epoch: number): Buffer {
    let key = this.keys.get(epoch);
    if (!key && !this.inlineRing) {
      this.refresh(true);
      key = this.keys.get(epoch);
    }
    if (!key) throw new DecryptionError('unknown_key', `master key of epoch ${epoch} is not in the key ring`);
    return key;
  }

  purposeKey(name: string): Buffer {
    if (!PURPOSE_RE.test(name)) throw new Error('purpose key names are lower-case letters, digits and dashes');
    const cached = this.purposeKeys.get(name);
    if (cached) return cached;
    let key: Buffer;
    if (this.inlineRing) {
      key = deriveKey(this.inlineRing.purposeRoot, `purpose/${name}`);
    } else {
      const file = path.join(this.dir, `purpose-${name}.key`);
      if (!fs.existsSync(file)) writePrivateFileExclusive(file, `${randomBytes(KEY_LEN).toString('base64')}\n`, true);
      key = decodeKey(fs.readFileSync(file, 'utf8'), file);
    }
    this.purposeKeys.set(name, key);
    return key;
  }

  /** A new epoch with a fresh random master key (key directory only). */
  async addEpoch(): Promise<number> {
    if (this.inlineRing) {
      throw new Error(
        'the master keys come from CONFIDANT_MASTER_KEYS: add the next epoch there ' +
          `(${this.currentEpoch() + 1}:<base64 of 32 random bytes>), restart, then rotate again`,
      );
    }
    this.refresh(true);
    const meta = this.readMeta();
    const known = [...this.keys.keys(), ...Object.keys(meta.epochs).map(Number)];
    const epoch = known.length === 0 ? 1 : Math.max(...known) + 1;
    const key = randomBytes(KEY_LEN);
    writePrivateFileExclusive(path.join(this.dir, `master-${epoch}.key`), `${key.toString('base64')}\n`, true);
    meta.epochs[String(epoch)] = { createdAt: this.now().toISOString() };
    this.writeMeta(meta);
    this.keys.set(epoch, key);
    return epoch;
  }

  /** When the current epoch began: a scheduler rotates once it is KEY_ROTATION_DAYS old. */
  currentEpochCreatedAt(): Date | null {
    const at = this.readMeta().epochs[String(this.currentEpoch())]?.createdAt;
    return at === undefined ? null : new Date(at);
  }

  /** Marks every live epoch below `epoch` as retired (once its rotation is complete). */
  retireEpochsBelow(epoch: number, at: Date): void {
    const meta = this.readMeta();
    for (const e of this.epochs()) {
      const m = (meta.epochs[String(e)] ??= { createdAt: at.toISOString() });
      if (e < epoch && m.retiredAt === undefined) m.retiredAt = at.toISOString();
    }
    this.writeMeta(meta);
  }

  retiredEpochs(): Array<{ epoch: number; retiredAt: Date }> {
    const meta = this.readMeta();
    return this.epochs().flatMap((e) => {
      const at = meta.epochs[String(e)]?.retiredAt;
      return at === undefined || e === this.currentEpoch() ? [] : [{ epoch: e, retiredAt: new Date(at) }];
    });
  }

  /** Overwrites and removes the epoch's key file; the key is gone from this process too. */
  destroyEpoch(epoch: number, at: Date): void {
    if (this.inlineRing) throw new Error('inline master keys are removed by the operator from CONFIDANT_MASTER_KEYS');
    if (epoch === this.currentEpoch()) throw new Error('the current epoch cannot be destroyed');
    secureRemove(path.join(this.dir, `master-${epoch}.key`));
    const meta = this.readMeta();
    (meta.epochs[String(epoch)] ??= { createdAt: at.toISOString() }).destroyedAt = at.toISOString();
    this.writeMeta(meta);
    this.keys.get(epoch)?.fill(0);
    this.keys.delete(epoch);
  }

  private refresh(force: boolean): void {
    if (this.inlineRing) return;
    const t = Date.now();
    if (!force && t - this.lastRefresh < REFRESH_MS) return;
    this.lastRefresh = t;
    const next = new Map<number, Buffer>();
    for (const name of fs.readdirSync(this.dir)) {
      const m = MASTER_RE.exec(name);
      if (!m) continue;
      const file = path.join(this.dir, name);
      const mode = fs.statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) this.warn(`key file ${file} is readable by others (mode ${mode.toString(8)}); chmod 600`);
      next.set(Number(m[1]), this.keys.get(Number(m[1])) ?? decodeKey(fs.readFileSync(file, 'utf8'), file));
    }
    this.keys = next;
  }

  private recordSeen(): void {
    const meta = this.readMeta();
    let changed = false;
    for (const e of this.keys.keys()) {
      if (meta.epochs[String(e)]) continue;
      meta.epochs[String(e)] = { createdAt: this.now().toISOString() };
      changed = true;
    }
    if (changed) this.writeMeta(meta);
  }

  private readMeta(): EpochsFile {
    return readJsonFile<EpochsFile>(path.join(this.dir, EPOCHS_FILE)) ?? { epochs: {} };
  }

  private writeMeta(meta: EpochsFile): void {
    writeFileAtomic(path.join(this.dir, EPOCHS_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  }
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_LEN) throw new Error(`${where}: a master key is 32 bytes, base64-encoded`);
  return key;
}

/** `1:<base64>,2:<base64>[,purpose:<base64>]` */
function parseInline(text: string, warn: (msg: string) => void): { keys: Map<number, Buffer>; purposeRoot: Buffer } {
  const keys = new Map<number, Buffer>();
  let purposeRoot: Buffer | undefined;
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    const label = entry.slice(0, at);
    const key = decodeKey(entry.slice(at + 1), `CONFIDANT_MASTER_KEYS entry "${label}"`);
    if (label === 'purpose') purposeRoot = key;
    else if (/^[1-9]\d{0,8}$/.test(label)) keys.set(Number(label), key);
    else throw new Error('CONFIDANT_MASTER_KEYS entries are <epoch>:<base64> or purpose:<base64>');
  }
  if (keys.size === 0) throw new Error('CONFIDANT_MASTER_KEYS holds no <epoch>:<base64> entry');
  if (!purposeRoot) {
    const lowest = Math.min(...keys.keys());
    warn(
      `CONFIDANT_MASTER_KEYS has no purpose:<base64> entry: non-rotating keys (audit checkpoints) derive ` +
        `from epoch ${lowest} and change once it is removed. Add a purpose entry.`,
    );
    purposeRoot = deriveKey(keys.get(lowest)!, 'inline-purpose-root');
  }
  return { keys, purposeRoot };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
