import { describe, expect, it } from 'vitest';
import { stateNameOf } from '../../machine/stateName.js';

describe('stateNameOf', () => {
  it.each([
    [{ running: { live: 'connecting' } }, 'connecting'],
    [{ running: { live: { connected: 'open' } } }, 'open'],
    [{ running: { live: { connected: 'awaitingPong' } } }, 'awaitingPong'],
    [{ running: { live: 'closing' } }, 'closing'],
    [{ running: { reconnectWait: 'offline' } }, 'reconnectWait'],
    [{ running: { reconnectWait: 'backoff' } }, 'reconnectWait'],
    ['closed', 'closed'],
  ] as const)('names %j as %s', (value, name) => {
    expect(stateNameOf({ value })).toBe(name);
  });

  it('refuses a value with none of the six names', () => {
    expect(() => stateNameOf({ value: 'elsewhere' })).toThrow(/no named state/);
  });
});
