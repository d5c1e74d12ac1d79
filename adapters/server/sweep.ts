/**
 * The silence sweep: one timer per server, not one per connection, that drops the clients silent
 * for longer than `maxSilence`, judged by the time of the last frame each one sent.
 */
import type { WebSocket } from 'ws';
import { ReadyState } from '../webSocketLike.js';

/** What the sweep reads and writes of one connection. */
export interface Watched {
  readonly ws: WebSocket;
  /** `performance.now()` when the client last sent a frame (or when the watch began). */
  lastFrame: number;
  /** Whether a protocol ping has gone out since that frame. */
  probed: boolean;
}


/** How late a sweep may run and still count as on time (as the client's `LATE_TIMER_SLACK`). */
const LATE_SLACK = 100;

/**
 * Starts the sweep over `connections` (read at every sweep: add and remove freely). Every
 * `maxSilence / 4` ms it
 * - sends a protocol ping to a client silent for `maxSilence / 2`, once: a heartsocket client
 *   pings only when *it* hears nothing, so one that only listens to a busy server says nothing
 *   for as long as the server talks. Every WebSocket answers a protocol ping by itself (browsers
 *   and undici too), so such a client answers, and it is only dropped if really gone;
 * - drops (`terminate()`) an open client silent for more than `maxSilence`: between
 *   `maxSilence` and `1.25 × maxSilence` after its last frame, at least `maxSilence / 4` after
 *   the probe went out;
 * - drops nobody when it runs late (the event loop stalled, or the host slept): what the clients
 *   sent meanwhile is waiting, unread, behind this timer. The next sweep judges, late or not.
 *
 * The timer is unref'd: it never keeps a process alive. Returns the function that clears it.
 */
export function startSweep(connections: { values(): Iterable<Watched> }, maxSilence: number, now: () => number): () => void {
  const period = maxSilence / 4;
  let previous = now();
  let deferred = false;
  const timer = setInterval(() => {
    const at = now();
    const late = at - previous > period + LATE_SLACK;
    previous = at;
    const mayDrop = !late || deferred;
    deferred = late && !deferred;
    for (const connection of connections.values()) {
      const { ws } = connection;
      if (ws.readyState !== ReadyState.OPEN) continue; // closing: `ws` ends it by its own close timeout
      const silent = at - connection.lastFrame;
      if (silent > maxSilence && mayDrop) ws.terminate();
      else if (silent >= maxSilence / 2 && !connection.probed) {
        connection.probed = true;
        ws.ping();
      }
    }
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}
