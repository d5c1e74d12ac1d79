// What the live view's events carry of the machine's events: only JSON data, whatever the event
// held (errors, buffers, sockets, cycles, long strings and lists), so the relay can always send it.
import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { toLiveViewEvent } from '../../visualizations/inspector/liveViewEvents.js';

/** The event as the live view would send it: an `@xstate.event` carrying `payload`. */
function carried(payload: Record<string, unknown>): unknown {
  const inspection = {
    type: '@xstate.event',
    actorRef: { sessionId: 'x:0' },
    rootId: 'x:0',
    event: { type: 'SOCKET.ERROR', ...payload },
    sourceRef: undefined,
  } as unknown as InspectionEvent;
  const event = toLiveViewEvent(inspection, 1000);
  return event !== undefined && event.type === '@xstate.event' ? event.event : undefined;
}

describe('toLiveViewEvent keeps only JSON data', () => {
  it('names what JSON cannot hold, and cuts what is too long', () => {
    class Socket {
      readonly url = 'ws://x';
    }
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const event = carried({
      error: new TypeError('bad'),
      buffer: new ArrayBuffer(8),
      view: new Uint8Array(3),
      socket: new Socket(),
      withMessage: Object.assign(new Socket(), { message: 'refused' }),
      cycle,
      big: 10n,
      notANumber: NaN,
      callback: () => {},
      long: 'x'.repeat(250),
      list: Array.from({ length: 60 }, (_, index) => index),
      holes: [undefined, 1],
      deep: { a: { b: { c: { d: { e: 1 } } } } },
    });
    expect(event).toEqual({
      type: 'SOCKET.ERROR',
      error: { name: 'TypeError', message: 'bad' },
      buffer: '[ArrayBuffer 8 bytes]',
      view: '[Uint8Array 3 bytes]',
      socket: '[Socket]',
      withMessage: '[Socket: refused]',
      cycle: { name: 'loop', self: '[circular]' },
      big: '10n',
      notANumber: 'NaN',
      long: `${'x'.repeat(200)}… (250 chars)`,
      list: [...Array.from({ length: 50 }, (_, index) => index), '… 10 more'],
      holes: [null, 1],
      deep: { a: { b: { c: '[object]' } } },
    });
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('leaves out the kinds the live view does not use', () => {
    const action = { type: '@xstate.action', actorRef: { sessionId: 'x:0' }, rootId: 'x:0' } as unknown as InspectionEvent;
    expect(toLiveViewEvent(action)).toBeUndefined();
  });
});
