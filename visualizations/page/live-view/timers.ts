/**
 * The live view's clocks: for the state a socket is in, the timer the machine is running and
 * when it fires ("ping in 1.2 s", "pong due in 0.4 s", "retry #3 in 2.6 s"), and how long the
 * peer has been silent. Computed from the socket's own settings and the times the view saw it
 * enter each state; pure, so a test can give it any moment.
 */
import type { DiagramTimings } from '../../diagram/diagramWords.js';
import { duration } from './format.js';
import { valueHas } from './history.js';

/** What the view knows of a socket when it draws its clocks. */
export interface ClockInputs {
  /** The flat state name. */
  state: string;
  value: unknown;
  /**
   * When the flat state, and the current leaf within it, were entered — or re-entered, which
   * restarts their timers (`null`: before the view attached).
   */
  stateSince: number | null;
  leafSince: number | null;
  /** When the connection last opened, and when `open` was last entered from another state. */
  connectedSince: number | null;
  openSince: number | null;
  /** The socket's settings; undefined when its source sent none. */
  timings: DiagramTimings | undefined;
  retries: number | undefined;
  retryDelay: number | undefined;
  /** When anything last arrived (from the traffic tap), or null where the view has no traffic. */
  lastReceivedAt: number | null;
}

export interface ClockLine {
  /** Stable: `ping`, `pong`, `retry`, `connect-timeout`, `close-timeout`, `backoff-reset`, `silence`, `waiting`. */
  id: string;
  text: string;
  /** Milliseconds until it fires (negative: overdue); absent for lines that count nothing. */
  remaining?: number;
}

/** "in 1.2 s", or "overdue by 3.0 s" when the timer should have fired (a stalled or sleeping host). */
function countdown(id: string, what: string, due: number, now: number): ClockLine {
  const remaining = due - now;
  return { id, remaining, text: remaining >= 0 ? `${what} in ${duration(remaining)}` : `${what}: overdue by ${duration(remaining)}` };
}

/** The heartbeat's next ping: once the peer has been silent for a whole interval. */
function pingClock(inputs: ClockInputs, interval: number, now: number): ClockLine | null {
  if (inputs.lastReceivedAt === null) {
    // No traffic seen: the machine may have heard the peer since (it then waits on), so the time
    // from open is only the earliest the ping can go.
    if (inputs.openSince === null) return null;
    const due = inputs.openSince + interval;
    return due >= now
      ? countdown('ping', 'ping at the earliest', due, now)
      : { id: 'ping', text: `ping once the peer has been silent for ${duration(interval)} (traffic not watched)` };
  }
  return countdown('ping', 'ping', Math.max(inputs.lastReceivedAt, inputs.openSince ?? -Infinity) + interval, now);
}

export function clocksOf(inputs: ClockInputs, now: number): ClockLine[] {
  const { state, value, timings } = inputs;
  const lines: ClockLine[] = [];
  const since = inputs.stateSince;
  const leafSince = inputs.leafSince;
  if (timings === undefined) return [{ id: 'waiting', text: 'timers unknown: the source sent no settings' }];

  switch (state) {
    case 'connecting':
      if (since !== null) lines.push(countdown('connect-timeout', 'connect timeout', since + timings.connectTimeout, now));
      break;
    case 'open': {
      if (!timings.heartbeat.enabled) lines.push({ id: 'ping', text: 'heartbeat off' });
      else {
        const ping = pingClock(inputs, timings.heartbeat.interval, now);
        if (ping !== null) lines.push(ping);
      }
      break;
    }
    case 'awaitingPong': {
      const timeout = timings.heartbeat.timeout;
      if (valueHas(value, 'forBufferedInput') || valueHas(value, 'forBufferedInputAgain')) {
        lines.push({ id: 'pong', text: 'pong timer fired: reading input already received' });
      } else if (valueHas(value, 'forPongAgain')) {
        if (leafSince !== null) lines.push(countdown('pong', 'the timer fired late, one more wait: pong due', leafSince + timeout, now));
      } else if (since !== null) lines.push(countdown('pong', 'pong due', since + timeout, now));
      break;
    }
    case 'closing': {
      const why = valueHas(value, 'deadPeer') ? 'closing (dead peer): gives up' : 'closing: gives up';
      if (since !== null) lines.push(countdown('close-timeout', why, since + timings.closeTimeout, now));
      break;
    }
    case 'reconnectWait': {
      if (valueHas(value, 'offline')) lines.push({ id: 'waiting', text: 'offline: waiting for the network (no attempts meanwhile)' });
      else if (leafSince !== null && inputs.retryDelay !== undefined) {
        const max = timings.reconnect.maxRetries;
        const of = Number.isFinite(max) ? ` of ${max}` : '';
        lines.push(countdown('retry', `retry #${inputs.retries ?? '?'}${of}`, leafSince + inputs.retryDelay, now));
      }
      break;
    }
    case 'closed':
      lines.push({
        id: 'waiting',
        text: valueHas(value, 'notStarted') ? 'not started (startClosed): reconnect() starts it' : 'closed for good: reconnect() starts again',
      });
      break;
  }

  const up = state === 'open' || state === 'awaitingPong';
  if (up && (inputs.retries ?? 0) > 0 && inputs.connectedSince !== null) {
    lines.push(countdown('backoff-reset', 'retry count resets', inputs.connectedSince + timings.reconnect.minUptime, now));
  }
  if (inputs.lastReceivedAt !== null && (up || state === 'closing')) {
    // The handshake of the current connection counts as hearing from the peer, as for the machine.
    const heard = Math.max(inputs.lastReceivedAt, inputs.connectedSince ?? -Infinity);
    lines.push({ id: 'silence', text: `peer silent for ${duration(now - heard)}` });
  }
  return lines;
}
