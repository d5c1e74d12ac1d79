/**
 * The live view's clocks: for the state a socket is in, the timer the machine is running and
 * when it fires ("ping in 1.2 s", "pong due in 0.4 s", "retry #3 in 2.6 s"), and how long the
 * peer has been silent. Computed from the socket's own settings and the times the view saw it
 * enter each state; pure, so a test can give it any moment.
 */
import { valueHas } from './history.js';

/** What the view knows of a socket when it draws its clocks. */
export interface ClockInputs {
  /** The flat state name. */
  state: string;
  value: unknown;
  /** When the flat state, and the current leaf within it, were entered (`null`: before the view attached). */
  stateSince: number | null;
  leafSince: number | null;
  /** When the connection last opened. */
  connectedSince: number | null;
  settings: Record<string, unknown> | undefined;
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

/** `850 ms`, `1.2 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(1)} s`;
  const minutes = Math.floor(abs / 60_000);
  return `${minutes} min ${Math.round((abs % 60_000) / 1000)} s`;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** "in 1.2 s", or "overdue by 3.0 s" when the timer should have fired (a stalled or sleeping host). */
function countdown(id: string, what: string, due: number, now: number): ClockLine {
  const remaining = due - now;
  return { id, remaining, text: remaining >= 0 ? `${what} in ${duration(remaining)}` : `${what}: overdue by ${duration(remaining)}` };
}

export function clocksOf(inputs: ClockInputs, now: number): ClockLine[] {
  const { state, value, settings } = inputs;
  const heartbeat = settings?.heartbeat as Record<string, unknown> | undefined;
  const reconnect = settings?.reconnect as Record<string, unknown> | undefined;
  const lines: ClockLine[] = [];
  const since = inputs.stateSince;
  const leafSince = inputs.leafSince;

  switch (state) {
    case 'connecting': {
      const timeout = num(settings?.connectTimeout);
      if (since !== null && timeout !== undefined) lines.push(countdown('connect-timeout', 'connect timeout', since + timeout, now));
      break;
    }
    case 'open': {
      const interval = num(heartbeat?.interval);
      if (heartbeat?.enabled === false) lines.push({ id: 'ping', text: 'heartbeat off' });
      else if (interval !== undefined) {
        // The machine pings once the peer has been silent for a whole interval.
        const from = Math.max(inputs.lastReceivedAt ?? -Infinity, since ?? -Infinity);
        if (Number.isFinite(from)) lines.push(countdown('ping', 'ping', from + interval, now));
      }
      break;
    }
    case 'awaitingPong': {
      const timeout = num(heartbeat?.timeout);
      if (valueHas(value, 'readingInput') || valueHas(value, 'lastReading')) {
        lines.push({ id: 'pong', text: 'pong timer fired: reading input already received' });
      } else if (valueHas(value, 'lateTimerWait')) {
        if (leafSince !== null && timeout !== undefined) {
          lines.push(countdown('pong', 'the timer fired late, one more wait: pong due', leafSince + timeout, now));
        }
      } else if (since !== null && timeout !== undefined) lines.push(countdown('pong', 'pong due', since + timeout, now));
      break;
    }
    case 'closing': {
      const timeout = num(settings?.closeTimeout);
      const why = valueHas(value, 'deadPeer') ? 'closing (dead peer): gives up' : 'closing: gives up';
      if (since !== null && timeout !== undefined) lines.push(countdown('close-timeout', why, since + timeout, now));
      break;
    }
    case 'reconnectWait': {
      if (valueHas(value, 'offline')) lines.push({ id: 'waiting', text: 'offline: waiting for the network (no attempts meanwhile)' });
      else if (leafSince !== null && inputs.retryDelay !== undefined) {
        const max = num(reconnect?.maxRetries);
        const of = max !== undefined ? ` of ${max}` : '';
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

  const minUptime = num(reconnect?.minUptime);
  if ((state === 'open' || state === 'awaitingPong') && (inputs.retries ?? 0) > 0 && inputs.connectedSince !== null && minUptime !== undefined) {
    lines.push(countdown('backoff-reset', 'retry count resets', inputs.connectedSince + minUptime, now));
  }
  if (inputs.lastReceivedAt !== null && (state === 'open' || state === 'awaitingPong' || state === 'closing')) {
    // The handshake of the current connection counts as hearing from the peer, as for the machine.
    const heard = Math.max(inputs.lastReceivedAt, inputs.connectedSince ?? -Infinity);
    lines.push({ id: 'silence', text: `peer silent for ${duration(now - heard)}` });
  }
  return lines;
}
