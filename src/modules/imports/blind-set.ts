/**
 * A set of 32-bit blind values in a flat typed array (open addressing, linear
 * probing): the email and phone index values an import matches duplicates
 * against in memory — 8 bytes a value, where a JS Set of numbers costs ~40.
 * A hit is only a candidate (values are truncated HMACs and collide); the
 * landing confirms it against the decrypted contact.
 */
export class BlindSet {
  private slots: Uint32Array;
  private count = 0;
  /** 0 marks an empty slot, so the value 0 is kept apart. */
  private hasZero = false;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Uint32Array(size);
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  has(value: number): boolean {
    const v = value >>> 0;
    if (v === 0) return this.hasZero;
    const mask = this.slots.length - 1;
    for (let i = this.hash(v) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === v) return true;
      if (s === 0) return false;
    }
  }

  add(value: number): void {
    const v = value >>> 0;
    if (v === 0) {
      this.hasZero = true;
      return;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.insert(this.slots, v)) this.count += 1;
  }

  private insert(slots: Uint32Array, v: number): boolean {
    const mask = slots.length - 1;
    for (let i = this.hash(v) & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === v) return false;
      if (s === 0) {
        slots[i] = v;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (const v of old) if (v !== 0) this.insert(this.slots, v);
  }

  /** The values are HMAC output already; a multiply spreads any structure of test values. */
  private hash(v: number): number {
    return Math.imul(v, 0x9e3779b1) >>> 0;
  }
}
