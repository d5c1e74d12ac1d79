import { afterEach, describe, expect, it } from 'vitest';
import WsWebSocket from 'ws';
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

describe('the other options, at construction', () => {
  const bad = (options: object) => () =>
    construct('ws://127.0.0.1/', [], { ...fastOptions(WsWebSocket), ...options });

  it('rejects a clock without now(), setTimeout() and clearTimeout() with a TypeError naming it', () => {
    expect(bad({ clock: { now: () => 0 } })).toThrow(TypeError);
    expect(bad({ clock: { now: () => 0 } })).toThrow(/options\.clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/);
  });

  it('rejects a queue that is not an object, or a max that is not a whole number, naming the option and the value', () => {
    expect(bad({ queue: 5 })).toThrow(TypeError);
    expect(bad({ queue: 5 })).toThrow(/options\.queue must be an object like \{ max: 1000 \}, got 5/);
    expect(bad({ queue: { max: 1.5 } })).toThrow(RangeError);
    expect(bad({ queue: { max: 1.5 } })).toThrow(/options\.queue\.max .* got 1\.5/);
  });

  it("rejects a resume option that is not resumable()'s value with a TypeError naming where it comes from", () => {
    expect(bad({ resume: { timeout: 1000 } })).toThrow(TypeError);
    expect(bad({ resume: { timeout: 1000 } })).toThrow(/options\.resume must be the value of resumable\(\) from 'heartsocket\/resume', got an object/);
  });

  it('rejects an inspect option that is neither a function nor an observer', () => {
    expect(bad({ inspect: { next: 1 } })).toThrow(/options\.inspect must be a function or an observer with next\(\)/);
  });
});

describe.each(['close', 'reconnect'] as const)('%s(code, reason): the standard rules, at the call', (method) => {
  const made: HeartSocket[] = [];
  afterEach(() => {
    for (const socket of made.splice(0)) socket.actor.stop();
  });

  /** A socket that never connects (its URL never comes): only the arguments are under test. */
  function socket(): HeartSocket {
    const never = () => new Promise<string>(() => {});
    const created = new HeartSocket(never, [], { ...fastOptions(WsWebSocket), startClosed: true });
    made.push(created);
    return created;
  }

  it.each([999, 1001, 2999, 5000, 3000.5, Number.NaN])('rejects the code %s with a RangeError', (code) => {
    expect(() => socket()[method](code)).toThrow(RangeError);
    expect(() => socket()[method](code)).toThrow(/close\(code\) must be 1000 or 3000–4999/);
  });

  it.each([1000, 3000, 4999])('takes the code %s', (code) => {
    expect(() => socket()[method](code)).not.toThrow();
  });

  it('rejects a reason over 123 bytes of UTF-8 with a SyntaxError (bytes, not characters)', () => {
    expect(() => socket()[method](1000, 'é'.repeat(62))).toThrow(SyntaxError); // 124 bytes, 62 characters
    expect(() => socket()[method](1000, 'é'.repeat(62))).toThrow(/at most 123 bytes of UTF-8/);
    expect(() => socket()[method](1000, 'a'.repeat(123))).not.toThrow();
  });
});
