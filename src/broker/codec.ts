// Primitive Kafka wire types: big-endian integers, strings and bytes with int16/int32 lengths, arrays with int32
// counts, the compact (unsigned varint) forms of flexible versions, and the zig-zag varints of record batches.

export class ProtocolError extends Error {}

export class Reader {
  offset: number;
  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) throw new ProtocolError(`truncated: need ${n} bytes at ${this.offset}, have ${this.end - this.offset}`);
  }
  remaining(): number {
    return this.end - this.offset;
  }
  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  /** int64 as a JS number (offsets and timestamps stay far below 2^53) */
  int64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return Number(v);
  }
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString("utf8", this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError("null where a string is required");
    return s;
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }
  /** int32-counted array; null (-1) reads as null */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    if (n > this.remaining()) throw new ProtocolError(`array of ${n} items longer than the request`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.offset++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 49) throw new ProtocolError("varint too long");
    }
  }
  /** zig-zag signed varint (record fields) */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  compactString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString("utf8", this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
  /** skip a tagged-fields section (flexible versions) */
  taggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size);
      this.offset += size;
    }
  }
  /** varint-length bytes of a record (key, value, header value); -1 is null */
  varBytes(): Buffer | null {
    const n = this.varint();
    if (n < 0) return null;
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
}

/** raw bytes at least this large are kept by reference, not copied (a fetch answer's records) */
const BY_REFERENCE = 32 * 1024;

export class Writer {
  private buf: Buffer;
  /** where the next byte goes in buf */
  private pos = 0;
  /** where buf's part not yet in `done` begins */
  private start = 0;
  /** finished pieces: earlier parts of buf and large raw buffers, in order */
  private done: Buffer[] = [];
  private doneBytes = 0;
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** bytes written so far */
  get length(): number {
    return this.doneBytes + this.pos - this.start;
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, used + n));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }
  int8(v: number): this {
    this.room(1);
    this.buf.writeInt8(v, this.pos++);
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.room(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.room(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: number): this {
    this.room(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }
  raw(b: Uint8Array): this {
    if (b.length >= BY_REFERENCE) {
      this.done.push(this.buf.subarray(this.start, this.pos), Buffer.from(b.buffer, b.byteOffset, b.length));
      this.doneBytes += this.pos - this.start + b.length;
      this.start = this.pos;
      return this;
    }
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const n = Buffer.byteLength(s);
    this.int16(n);
    this.room(n);
    this.buf.write(s, this.pos, "utf8");
    this.pos += n;
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }
  bytes(b: Uint8Array): this {
    return this.nullableBytes(b);
  }
  array<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  uvarint(v: number): this {
    while (v >= 0x80) {
      this.int8((((v % 0x80) | 0x80) << 24) >> 24);
      v = Math.floor(v / 0x80);
    }
    return this.int8((v << 24) >> 24);
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s, "utf8");
    this.uvarint(b.length + 1);
    return this.raw(b);
  }
  compactArray<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }
  /** an empty tagged-fields section */
  noTags(): this {
    return this.uvarint(0);
  }
  varBytes(b: Uint8Array | null): this {
    if (b === null) return this.varint(-1);
    this.varint(b.length);
    return this.raw(b);
  }
  /** the bytes as pieces, without copying large raw buffers (for a socket write) */
  toBuffers(): Buffer[] {
    return this.done.length === 0 ? [this.buf.subarray(this.start, this.pos)] : [...this.done, this.buf.subarray(this.start, this.pos)];
  }
  toBuffer(): Buffer {
    return this.done.length === 0 ? this.buf.subarray(this.start, this.pos) : Buffer.concat(this.toBuffers(), this.length);
  }
}
