import type { StateValue } from 'xstate';
import { socketMachine } from './socketMachine.js';
import type { SocketStateName } from './types.js';

/** The six tags: a snapshot has exactly one of them. */
const STATE_NAMES: readonly SocketStateName[] = ['open', 'awaitingPong', 'connecting', 'reconnectWait', 'closing', 'closed'];

/** A snapshot's tags. */
export type Tagged = { hasTag(tag: SocketStateName): boolean };

/** What a state value that names no state of the machine resolves to: no tag at all. */
const UNTAGGED: Tagged = { hasTag: () => false };

/**
 * The one of the six named states a snapshot is in, by its tag. The machine nests them
 * (`running.live.connected.open`, `running.reconnectWait.offline`) so that a socket lives exactly
 * as long as its parent state; each of the six carries the tag of its name, and users see that
 * name. A snapshot's own tags are read (`hasTag`); a bare `{ value }` (a snapshot sent as JSON) is
 * resolved through `socketMachine` first. The keys of the value are never matched by name.
 *
 * @throws {Error} a value that is none of the machine's states, or a snapshot with none of the six tags.
 *
 * @example
 * ```ts
 * stateNameOf(socket.actor.getSnapshot()); // 'open'
 * stateNameOf({ value: { running: { live: { connected: 'awaitingPong' } } } }); // 'awaitingPong'
 * ```
 */
export function stateNameOf(snapshot: {
  value: StateValue;
  hasTag?: (tag: SocketStateName) => boolean;
}): SocketStateName {
  return snapshot.hasTag === undefined ? nameByTags(resolve(snapshot.value), snapshot.value) : nameByTags(snapshot as Tagged, snapshot.value);
}

/**
 * The named state of a snapshot by its own tags: `stateNameOf` for a live snapshot, without the
 * machine (the adapter's, so that its bundle carries only the machine it runs). @internal
 *
 * @example
 * ```ts
 * nameByTags(actor.getSnapshot(), actor.getSnapshot().value); // 'open'
 * ```
 */
export function nameByTags(tagged: Tagged, value: StateValue): SocketStateName {
  for (const name of STATE_NAMES) if (tagged.hasTag(name)) return name;
  throw new Error(`heartsocket: no named state in ${JSON.stringify(value)}`);
}

/** The machine's snapshot for a state value, with the tags of its state nodes. */
function resolve(value: StateValue): Tagged {
  try {
    return socketMachine.resolveState({ value, context: undefined });
  } catch {
    // XState throws for a key that names no child state: no state, so no name.
    return UNTAGGED;
  }
}
