// The write gate in front of FerretDB (src/write-gate.ts), against a wire-protocol peer that
// answers each command after a delay and records how many writes it holds at once.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/ports';
import { commandOf, startWriteGate } from '../src/write-gate';
import type { RunningWriteGate } from '../src/write-gate';

/** An OP_MSG with one body section holding `{ [command]: 1 }`. */
function opMsg(requestId: number, command: string, flags = 0): Buffer {
  const key = Buffer.from(`${command}\0`, 'utf8');
  // int32 (value 1) element: type 0x10, key, 4 bytes; then the document's closing 0.
  const docLength = 4 + 1 + key.length + 4 + 1;
  const frame = Buffer.alloc(16 + 4 + 1 + docLength);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(requestId, 4);
  frame.writeInt32LE(0, 8);
  frame.writeInt32LE(2013, 12);
  frame.writeUInt32LE(flags, 16);
  frame[20] = 0;
  frame.writeInt32LE(docLength, 21);
  frame[25] = 0x10;
  key.copy(frame, 26);
  frame.writeInt32LE(1, 26 + key.length);
  frame[frame.length - 1] = 0;
  return frame;
}

const held = { writes: 0, maxWrites: 0, reads: 0, maxReads: 0 };
let peer: net.Server;
let gate: RunningWriteGate;

beforeAll(async () => {
  const peerPort = await freePort();
  peer = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      // The test sends one whole frame per write: enough for this peer.
      const command = commandOf(chunk) ?? '';
      const kind = command === 'find' ? 'reads' : 'writes';
      const max = kind === 'reads' ? 'maxReads' : 'maxWrites';
      held[kind]++;
      held[max] = Math.max(held[max], held[kind]);
      setTimeout(() => {
        held[kind]--;
        if ((chunk.readUInt32LE(16) & 0x2) !== 0) return; // moreToCome: no reply
        const reply = opMsg(9, 'ok');
        reply.writeInt32LE(chunk.readInt32LE(4), 8); // responseTo
        socket.write(reply);
      }, 20);
    });
  });
  await new Promise<void>((resolve) => peer.listen(peerPort, '127.0.0.1', resolve));
  gate = await startWriteGate({ port: await freePort(), upstreamPort: peerPort });
});

afterAll(async () => {
  await gate.close();
  await new Promise((resolve) => peer.close(resolve));
});

/** Send one command on a connection of its own through the gate; resolves with the reply's responseTo. */
function send(requestId: number, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gate.port, '127.0.0.1', () => socket.write(opMsg(requestId, command)));
    socket.on('data', (reply) => {
      resolve(reply.readInt32LE(8));
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('the write gate', () => {
  it('names the command of an OP_MSG, and nothing for other messages', () => {
    expect(commandOf(opMsg(1, 'findAndModify'))).toBe('findAndModify');
    const query = opMsg(1, 'find');
    query.writeInt32LE(2004, 12); // OP_QUERY
    expect(commandOf(query)).toBeUndefined();
  });

  it('lets one write through at a time across connections, and every reply back to its sender', async () => {
    held.maxWrites = 0;
    const ids = Array.from({ length: 12 }, (_, i) => 100 + i);
    const commands = ['update', 'findAndModify', 'insert', 'delete'];
    const replies = await Promise.all(ids.map((id, i) => send(id, commands[i % commands.length] ?? 'update')));
    expect(replies).toEqual(ids);
    expect(held.maxWrites).toBe(1);
  });

  it('closes a connection that does not speak the wire protocol, and serves the next one', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(gate.port, '127.0.0.1', () => socket.write(Buffer.alloc(8)));
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
    });
    expect(closed).toBe(true);
    expect(await send(300, 'update')).toBe(300);
  });

  it('lets reads through together, also while a write holds the gate', async () => {
    held.maxReads = 0;
    const replies = await Promise.all([send(200, 'update'), ...[201, 202, 203, 204].map((id) => send(id, 'find'))]);
    expect(replies).toEqual([200, 201, 202, 203, 204]);
    expect(held.maxReads).toBeGreaterThan(1);
  });
});
