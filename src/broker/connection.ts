// One client connection: size-prefixed frames in, answers out, strictly in order. Frames are assembled by collecting
// the chunks and concatenating once (linear in the frame's size, whatever the chunking). The broker answers one
// request at a time per connection, as Kafka does, and reads ahead only a bounded number of requests and bytes: past
// either bound, or while the client leaves more answer bytes unread than allowed, it stops reading the socket until
// the client catches up, so a client that never reads cannot make the broker grow.
import type net from "node:net";

export class FrameError extends Error {}

/** Splits a byte stream into Kafka frames (the 4-byte size prefix removed). */
export class FrameReader {
  private size = -1;
  private sizeBuf = Buffer.alloc(4);
  private sizeHave = 0;
  private parts: Buffer[] = [];
  private have = 0;

  constructor(private readonly maxFrame: number) {}

  /** Feed one chunk; completed frames are appended to `out`. Throws FrameError for a size out of bounds. */
  push(chunk: Buffer, out: Buffer[]): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.size < 0) {
        if (this.sizeHave === 0 && chunk.length - at >= 4) {
          this.size = chunk.readInt32BE(at);
          at += 4;
        } else {
          const n = Math.min(4 - this.sizeHave, chunk.length - at);
          chunk.copy(this.sizeBuf, this.sizeHave, at, at + n);
          this.sizeHave += n;
          at += n;
          if (this.sizeHave < 4) return;
          this.size = this.sizeBuf.readInt32BE(0);
          this.sizeHave = 0;
        }
        if (this.size < 0 || this.size > this.maxFrame) throw new FrameError(`a frame of ${this.size} bytes (at most ${this.maxFrame})`);
      }
      const n = Math.min(this.size - this.have, chunk.length - at);
      if (n > 0) this.parts.push(chunk.subarray(at, at + n));
      this.have += n;
      at += n;
      if (this.have === this.size) {
        // one copy per byte: the frame outlives the chunks while it waits in the queue
        out.push(Buffer.concat(this.parts, this.size));
        this.parts = [];
        this.have = 0;
        this.size = -1;
      }
    }
  }
}

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxQueuedRequests: number;
  maxBufferedBytes: number;
  idleMs: number;
}

export interface ConnectionHandlers {
  /** answer one request (null: no answer, as for acks=0); a throw closes the connection */
  handle(frame: Buffer): Promise<Buffer[] | null>;
  /** why the connection is being closed by the broker */
  closing(kind: string, why: string): void;
}

/** Serve one socket until it closes. */
export function serveConnection(socket: net.Socket, limits: ConnectionLimits, h: ConnectionHandlers): void {
  const reader = new FrameReader(limits.maxRequestBytes);
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let busy = false;
  let paused = false;

  const full = () => queue.length >= limits.maxQueuedRequests || queuedBytes + socket.writableLength >= limits.maxBufferedBytes;
  const flow = () => {
    if (full()) {
      if (!paused) socket.pause();
      paused = true;
    } else if (paused) {
      paused = false;
      socket.resume();
    }
  };
  const close = (kind: string, why: string) => {
    h.closing(kind, why);
    socket.destroy();
  };

  const pump = async () => {
    if (busy) return;
    busy = true;
    try {
      // while the client leaves this much unread, answer nothing more: 'drain' starts the pump again
      while (queue.length > 0 && !socket.destroyed && socket.writableLength < limits.maxBufferedBytes) {
        const frame = queue.shift()!;
        queuedBytes -= frame.length;
        flow();
        const answer = await h.handle(frame);
        if (answer && !socket.destroyed) {
          socket.cork();
          for (const part of answer) socket.write(part);
          socket.uncork();
        }
        flow();
      }
    } catch (e) {
      close("bad request", (e as Error).message);
    } finally {
      busy = false;
    }
  };

  socket.on("data", (chunk: Buffer) => {
    const frames: Buffer[] = [];
    try {
      reader.push(chunk, frames);
    } catch (e) {
      close("bad frame", (e as Error).message);
      return;
    }
    for (const f of frames) {
      queue.push(f);
      queuedBytes += f.length;
    }
    flow();
    void pump();
  });
  socket.on("drain", () => {
    flow();
    void pump();
  });
  socket.setTimeout(limits.idleMs);
  socket.on("timeout", () => {
    // a request being answered (a parked fetch, a held join) is not idle
    if (busy || queue.length > 0) socket.setTimeout(limits.idleMs);
    else close("idle", `nothing received for ${limits.idleMs} ms`);
  });
}
