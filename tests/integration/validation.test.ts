import { describe, expect, it } from 'vitest';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { fastOptions, IMPLEMENTATIONS } from '../support/client.js';

/** Constructs a HeartSocket and stops it at once if it did not throw (it should have). */
function construct(...args: ConstructorParameters<typeof HeartSocket>): void {
  new HeartSocket(...args).actor.stop();
}

describe.each(IMPLEMENTATIONS)('bad input at construction (%s)', (_name, WebSocket) => {
  it('rejects a string that is not a URL with a SyntaxError', () => {
    expect(() => construct('not a url', [], fastOptions(WebSocket))).toThrow(SyntaxError);
  });

  it('rejects a URL with a non-WebSocket scheme with a SyntaxError', () => {
    expect(() => construct('ftp://127.0.0.1/', [], fastOptions(WebSocket))).toThrow(SyntaxError);
  });

  it('rejects a URL with a fragment with a SyntaxError', () => {
    expect(() => construct('ws://127.0.0.1/#top', [], fastOptions(WebSocket))).toThrow(SyntaxError);
  });

  it('rejects a negative heartbeat interval with a RangeError naming the option', () => {
    const options = fastOptions(WebSocket, { heartbeat: { interval: -1 } });
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(RangeError);
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(/heartbeat\.interval/);
  });

  it('rejects a negative reconnect delay with a RangeError naming the option', () => {
    const options = fastOptions(WebSocket, { reconnect: { delay: -5 } });
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(RangeError);
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(/reconnect\.delay/);
  });

  it('rejects an unknown option with a TypeError naming it', () => {
    const options = { ...fastOptions(WebSocket), heartbeet: false } as unknown as Parameters<typeof construct>[2];
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(/heartbeet/);
  });
});

describe('options.WebSocket', () => {
  it('rejects something that is not a constructor with a TypeError', () => {
    const options = { WebSocket: 42 } as unknown as Parameters<typeof construct>[2];
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(TypeError);
    expect(() => construct('ws://127.0.0.1/', [], options)).toThrow(/options\.WebSocket/);
  });
});
