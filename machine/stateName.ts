import type { StateValue } from 'xstate';
import type { SocketStateName } from './types.js';

const STATE_NAMES: ReadonlySet<string> = new Set<SocketStateName>([
  'connecting', 'open', 'awaitingPong', 'closing', 'closed', 'reconnectWait',
]);

/**
 * The one of the six named states a snapshot is in. The machine nests them (`running.live.
 * connected.open`, `running.reconnectWait.offline`) so that a socket lives exactly as long as
 * its parent state; users see the flat name.
 *
 * @example
 * ```ts
 * stateNameOf(socket.actor.getSnapshot()); // 'open'
 * stateNameOf({ value: { running: { live: { connected: 'awaitingPong' } } } }); // 'awaitingPong'
 * ```
 */
export function stateNameOf(snapshot: { value: StateValue }): SocketStateName {
  let value: StateValue = snapshot.value;
  let name: string | undefined;
  for (;;) {
    const key = typeof value === 'string' ? value : firstKey(value);
    if (key === undefined) break;
    if (STATE_NAMES.has(key)) name = key;
    if (typeof value === 'string') break;
    const next: StateValue | undefined = value[key];
    if (next === undefined) break;
    value = next;
  }
  if (name === undefined) throw new Error(`heartsocket: no named state in ${JSON.stringify(snapshot.value)}`);
  return name as SocketStateName;
}

/** `Object.keys(value)[0]` without the array: asked a few times per state change. */
function firstKey(value: object): string | undefined {
  for (const key in value) return key;
  return undefined;
}
