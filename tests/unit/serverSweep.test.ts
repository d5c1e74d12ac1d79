/**
 * The server half's sweep alone (adapters/server/sweep.ts), on connections whose times the test
 * sets: what it does NOT do (drop a client for the server's own stall, drop one before its probe
 * had its time) is shown at exact times, without waiting for anything.
 */
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection, NONE } from '../../adapters/server/connection.js';
import { sweep, type SweepActions } from '../../adapters/server/sweep.js';

const MAX_SILENCE = 1000;

/** A stand-in for an open `ws` socket, and the TCP socket under it with its byte count. */
function connection({ lastHeard = 0, paused = false, bytes }: { lastHeard?: number; paused?: boolean; bytes?: number } = {}) {
  const ws = { readyState: 1, isPaused: paused } as unknown as WebSocket;
  const tcp = bytes === undefined ? undefined : { bytesRead: bytes, isPaused: () => false };
  return { connection: new Connection(ws, tcp as never, lastHeard), tcp };
}

/** Runs one sweep; returns what it did, as `probe@at` / `drop@at`. */
function sweepAt(target: Connection, at: number, { heardSince = at - MAX_SILENCE / 4, stalled = 0 } = {}): string[] {
  const done: string[] = [];
  const act: SweepActions = {
    probe: (c, when) => {
      done.push(`probe@${when}`);
      c.probeSentAt = when;
    },
    drop: (_c, when) => void done.push(`drop@${when}`),
  };
  sweep([target], MAX_SILENCE, at, heardSince, stalled, act);
  return done;
}

describe('the server sweep', () => {
  it('does not count its own stall as silence: a late sweep moves the times forward by its lateness', () => {
    const { connection: c } = connection({ lastHeard: 0 });
    // On time, 1100 ms of silence would be a probe due long ago; 900 of them were the stall.
    expect(sweepAt(c, 1100, { stalled: 900 })).toEqual([]);
    expect(c.lastHeard).toBe(900);
    expect(sweepAt(c, 1400)).toEqual(['probe@1400']);
  });

  it('gives a probe maxSilence/2 from when it was really written, however long the silence', () => {
    const { connection: c } = connection({ lastHeard: 0 });
    expect(sweepAt(c, 500)).toEqual(['probe@500']);
    c.probeWrittenAt = 900; // the write took 400 ms (a busy socket)
    expect(sweepAt(c, 1250)).toEqual([]); // silent 1250 ms, but the probe has had 350
    expect(sweepAt(c, 1399)).toEqual([]);
    expect(sweepAt(c, 1400)).toEqual(['drop@1400']);
  });

  it('drops a client whose probe was never written only maxSilence after it was sent', () => {
    const { connection: c } = connection({ lastHeard: 0 });
    expect(sweepAt(c, 500)).toEqual(['probe@500']);
    expect(sweepAt(c, 1250)).toEqual([]);
    expect(sweepAt(c, 1499)).toEqual([]);
    expect(sweepAt(c, 1500)).toEqual(['drop@1500']);
  });

  it('counts bytes on the TCP socket as life, from the sweep before at least', () => {
    const { connection: c, tcp } = connection({ lastHeard: 0, bytes: 100 });
    expect(sweepAt(c, 500)).toEqual(['probe@500']);
    c.probeWrittenAt = 500;
    tcp!.bytesRead = 70_000; // part of a long message, no frame complete
    expect(sweepAt(c, 1250, { heardSince: 1000 })).toEqual([]);
    expect(c.lastHeard).toBe(1000);
    expect(c.probePending).toBe(false);
  });

  it('does not judge a client whose reading is paused', () => {
    const { connection: c } = connection({ lastHeard: 0, paused: true });
    expect(sweepAt(c, 5000)).toEqual([]);
    expect(c.lastHeard).toBe(5000);
  });

  it('starts with no probe, no frame and no round trip', () => {
    const { connection: c } = connection({ lastHeard: 7 });
    expect([c.probeSentAt, c.probeWrittenAt, c.lastFrame, c.roundTrip]).toEqual([NONE, NONE, NONE, NONE]);
    expect(c.bytesSeen).toBe(NONE);
  });
});
