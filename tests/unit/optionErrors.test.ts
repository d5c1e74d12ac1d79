// How a bad option's value is shown in the error: every validator (the client's options, the
// server half's) goes through describeValue, so a message never reads `got [object Object]`.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSocketActor } from '../../adapters/createSocketActor.js';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { describeValue } from '../../machine/optionErrors.js';
import { resolveSettings } from '../../machine/settings.js';

describe('describeValue', () => {
  it.each([
    ['3s', '"3s"'],
    [10n, '10n'],
    [[1, 'a'], '[1,"a"]'],
    [{ interval: 1 }, 'an object'],
    [() => 1, 'a function'],
    [null, 'null'],
    [undefined, 'undefined'],
    [NaN, 'NaN'],
    [Symbol('x'), 'Symbol(x)'],
  ])('shows %s as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});

describe('bad options name the option and show the value', () => {
  it('an object where a number belongs', () => {
    expect(() => resolveSettings({ heartbeat: { interval: { ms: 1 } as unknown as number } })).toThrow(
      'heartsocket: options.heartbeat.interval must be a number of milliseconds, got an object.',
    );
  });

  it('a bigint where a number belongs', () => {
    expect(() => resolveSettings({ connectTimeout: 10n as unknown as number })).toThrow(/options\.connectTimeout .* got 10n\./);
  });

  it('queue.max and inspect', () => {
    const construct = (options: object) => new HeartSocket('ws://127.0.0.1:1', [], { WebSocket, startClosed: true, ...options });
    expect(() => construct({ queue: { max: '5' } })).toThrow('heartsocket: options.queue.max must be a number, got "5".');
    expect(() => construct({ queue: { max: -1 } })).toThrow(RangeError);
    expect(() => construct({ inspect: {} })).toThrow('heartsocket: options.inspect must be a function or an observer with next(), got an object.');
  });

  it("createSocketActor's onMessage and onUndelivered must be functions", () => {
    const options = (extra: object) => ({ WebSocket, startClosed: true, ...extra }) as Parameters<typeof createSocketActor>[1];
    expect(() => createSocketActor('ws://127.0.0.1:1', options({ onMessage: 'log' }))).toThrow(
      'heartsocket: options.onMessage must be a function, got "log".',
    );
    expect(() => createSocketActor('ws://127.0.0.1:1', options({ onUndelivered: {} }))).toThrow(TypeError);
  });
});
