import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { stateNameOf } from '../../machine/stateName.js';

describe('stateNameOf', () => {
  it.each([
    [{ running: { live: 'connecting' } }, 'connecting'],
    [{ running: { live: { connected: 'open' } } }, 'open'],
    [{ running: { live: { connected: 'awaitingPong' } } }, 'awaitingPong'],
    [{ running: { live: { connected: { awaitingPong: 'forBufferedInputAgain' } } } }, 'awaitingPong'],
    [{ running: { live: 'closing' } }, 'closing'],
    [{ running: { live: { closing: 'deadPeer' } } }, 'closing'],
    [{ running: { reconnectWait: 'offline' } }, 'reconnectWait'],
    [{ running: { reconnectWait: 'backoff' } }, 'reconnectWait'],
    ['closed', 'closed'],
    [{ closed: 'notStarted' }, 'closed'],
  ] as const)('names the bare value %j as %s, by the tags of the machine state it resolves to', (value, name) => {
    expect(stateNameOf({ value })).toBe(name);
  });

  it('refuses a value with none of the six names', () => {
    expect(() => stateNameOf({ value: 'elsewhere' })).toThrow(/no named state/);
  });

  it('refuses a value that names no state of the machine, even one ending in a public name', () => {
    expect(() => stateNameOf({ value: { running: { live: { connected: { closing: 'open' } } } } })).toThrow(
      /no named state in {"running":{"live":{"connected":{"closing":"open"}}}}/,
    );
  });

  it('refuses a snapshot that carries none of the six tags', () => {
    expect(() => stateNameOf({ value: 'start', hasTag: () => false })).toThrow(/no named state in "start"/);
  });

  it('reads a snapshot’s tags, not its keys: a value ending in `open` tagged `closing` is closing', () => {
    const value = { running: { live: { connected: 'open' } } };
    expect(stateNameOf({ value, hasTag: (tag) => tag === 'closing' })).toBe('closing');
  });

  it('names a sub-state that reuses one of the six names by its tagged parent', () => {
    // `closing.open` would have been named `open` by its deepest key.
    const machine = createMachine({
      initial: 'closing',
      states: { closing: { tags: ['closing'], initial: 'open', states: { open: {} } } },
    });
    const snapshot = createActor(machine).getSnapshot();
    expect(snapshot.value).toEqual({ closing: 'open' });
    expect(stateNameOf(snapshot)).toBe('closing');
  });
});
