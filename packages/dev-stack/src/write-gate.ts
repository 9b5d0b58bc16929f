// FerretDB v1 runs findAndModify and update as a read, then a write, with nothing held between
// them: two at once on one document lose one of the changes (measured: 7–38 of 300 concurrent
// $inc kept), and concurrent writes fail with SQLITE_BUSY. The code relies on atomic single-document
// updates (README, "The store"), so the dev stack puts this gate in front of FerretDB: a MongoDB
// wire proxy that lets one write command through at a time, across all connections, while reads
// pass freely. Each write is then atomic with respect to every other, as on MongoDB.
// Only for FerretDB, which the stack starts on request: SecantusDB and mongod need no gate.
import net from 'node:net';

/** The commands that change data or its shape: one at a time through the gate. */
const WRITES = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'create',
  'createIndexes',
  'dropIndexes',
  'drop',
  'dropDatabase',
  'renameCollection',
  'collMod',
]);

const OP_MSG = 2013;
/** OP_MSG flag: the sender expects no reply (an unacknowledged write). */
const MORE_TO_COME = 0x2;

export interface RunningWriteGate {
  port: number;
  /** Closes the gate and every connection through it. */
  close(): Promise<void>;
}

/** The command an OP_MSG carries: the first key of its body section; undefined for anything else. */
export function commandOf(frame: Buffer): string | undefined {
  if (frame.length < 26 || frame.readInt32LE(12) !== OP_MSG || frame[20] !== 0) return undefined;
  // Body document at 21: its length (4 bytes), the first element's type (1), then its key.
  const start = 26;
  const end = frame.indexOf(0, start);
  return end > start ? frame.toString('utf8', start, end) : undefined;
}

/** Splits a byte stream into wire-protocol messages (each starts with its int32 length). */
class Frames {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readInt32LE(0);
      // Shorter than a message header: not the wire protocol, and it would never advance.
      if (length < 16) throw new Error(`not a MongoDB wire message (length ${length})`);
      if (this.buffered.length < length) break;
      out.push(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
    }
    return out;
  }
}

/** One holder at a time, in arrival order. */
class Turn {
  private tail: Promise<void> = Promise.resolve();

  take(): Promise<() => void> {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const granted = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return granted;
  }
}

export function startWriteGate(opts: { port: number; upstreamPort: number }): Promise<RunningWriteGate> {
  const turn = new Turn();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(opts.upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    // The write in flight on this connection: released when its reply comes back (or the link drops).
    let pending: { requestId: number; release: () => void } | undefined;
    const done = () => {
      pending?.release();
      pending = undefined;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    /** The whole messages a chunk completes; a stream that is not the wire protocol ends the connection. */
    const framesOf = (frames: Frames, chunk: Buffer): Buffer[] => {
      try {
        return frames.push(chunk);
      } catch {
        done();
        return [];
      }
    };

    // Client to server: in order, each write waiting for its turn.
    const fromClient = new Frames();
    let forwarding: Promise<void> = Promise.resolve();
    client.on('data', (chunk) => {
      for (const frame of framesOf(fromClient, chunk)) {
        forwarding = forwarding.then(async () => {
          const command = commandOf(frame);
          if (command === undefined || !WRITES.has(command)) {
            upstream.write(frame);
            return;
          }
          const release = await turn.take();
          if (upstream.destroyed) return release();
          if ((frame.readUInt32LE(16) & MORE_TO_COME) !== 0) {
            upstream.write(frame);
            return release();
          }
          pending = { requestId: frame.readInt32LE(4), release };
          upstream.write(frame);
        });
      }
      // A failure here (the link dropped mid-frame) ends the connection rather than stalling it.
      forwarding = forwarding.catch(done);
    });

    // Server to client: the reply to the write in flight ends its turn.
    const fromServer = new Frames();
    upstream.on('data', (chunk) => {
      for (const frame of framesOf(fromServer, chunk)) {
        if (pending && frame.readInt32LE(8) === pending.requestId) {
          pending.release();
          pending = undefined;
        }
        client.write(frame);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      resolve({
        port: opts.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
