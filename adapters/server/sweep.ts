/**
 * The silence sweep: one timer per server, not one per connection, that probes quiet clients and
 * drops the ones silent for longer than `maxSilence`, judged by when each was last heard.
 */
import { NONE, now, type Connection } from './connection.js';
import { ReadyState } from '../webSocketLike.js';

/** What the sweep does to a connection (the server counts and reports it). */
export interface SweepActions {
  /** Sends a protocol ping; the connection's `probeSentAt`/`probeWrittenAt` are the caller's to set. */
  probe(connection: Connection, at: number): void;
  /** Terminates a client silent for `silentFor` ms. */
  drop(connection: Connection, at: number, silentFor: number): void;
}

/** How late a sweep may run and still count as on time (as the client's `LATE_TIMER_SLACK`). */
const LATE_SLACK = 100;

/**
 * Moves a connection's times forward by `stalled` ms (never past `at`): while the server's event
 * loop stood still (or the host slept), what the client sent waited unread, and the probe it was
 * to answer may not have left, so that time is not the client's silence — as the client judges
 * its own late timers.
 */
function discountStall(connection: Connection, stalled: number, at: number): void {
  connection.lastHeard = Math.min(connection.lastHeard + stalled, at);
  if (connection.probeSentAt !== NONE) connection.probeSentAt = Math.min(connection.probeSentAt + stalled, at);
  if (connection.probeWrittenAt !== NONE) connection.probeWrittenAt = Math.min(connection.probeWrittenAt + stalled, at);
}

/**
 * One sweep at `at` (`now()`), `stalled` ms late; `heardSince` is the sweep before's time, its
 * lateness discounted:
 * - a client whose TCP socket received bytes since then was heard at `heardSince` at least (the
 *   earliest it may have been: a drop never comes late for it);
 * - a client whose reading is paused (by `ws` for its backpressure, or by the app) is not silent;
 * - a client silent for `maxSilence / 2` is probed with a protocol ping, once: a heartsocket
 *   client pings only when *it* hears nothing, so one that only listens to a busy server says
 *   nothing for as long as the server talks. Every WebSocket answers a protocol ping by itself
 *   (browsers and undici too), so such a client answers, and it is only dropped if really gone;
 * - a client silent for more than `maxSilence` that has not answered its probe is dropped
 *   (`terminate()`), once the probe has had `maxSilence / 2` since it was really written
 *   (`ws.ping()`'s callback) — or `maxSilence` since it was sent, if the client read so little
 *   that it is still queued. So a drop comes between `maxSilence` and `1.5 × maxSilence` after
 *   the last sign of life.
 */
export function sweep(connections: Iterable<Connection>, maxSilence: number, at: number, heardSince: number, stalled: number, act: SweepActions): void {
  for (const connection of connections) {
    if (stalled > 0) discountStall(connection, stalled, at);
    if (connection.ws.readyState !== ReadyState.OPEN) continue; // closing: `ws` ends it by its own close timeout
    if (connection.heardBytes()) connection.lastHeard = Math.max(connection.lastHeard, heardSince);
    if (connection.readingPaused) {
      connection.lastHeard = at;
      continue;
    }
    const silentFor = at - connection.lastHeard;
    if (connection.probePending) {
      const written = connection.probeWrittenAt;
      const probeHadItsTime = written === NONE ? at - connection.probeSentAt >= maxSilence : at - written >= maxSilence / 2;
      if (silentFor > maxSilence && probeHadItsTime) act.drop(connection, at, silentFor);
    } else if (silentFor >= maxSilence / 2) act.probe(connection, at);
  }
}

/**
 * Runs `sweep` every `maxSilence / 4` ms over `connections()` (read at every sweep: add and
 * remove freely). The timer is unref'd: it never keeps a process alive. Returns the function that
 * clears it.
 */
export function startSweep(
  connections: () => Iterable<Connection>,
  maxSilence: number,
  act: SweepActions,
  /** Runs after each sweep, on the same timer (the sessions' acks and expiry). */
  after?: (at: number) => void,
): () => void {
  const period = maxSilence / 4;
  let previous = now();
  const timer = setInterval(() => {
    const at = now();
    // Late: the stall may have begun right after the sweep before, so all of the gap is discounted
    // (a client really gone is then dropped up to one period later; a live one is never dropped).
    const gap = at - previous;
    const stalled = gap > period + LATE_SLACK ? gap : 0;
    sweep(connections(), maxSilence, at, previous + stalled, stalled, act);
    previous = at;
    after?.(at);
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}
