// The settings a connection's machine reads (`socket.actor.getSnapshot().context.settings`) are
// frozen, and shared by connections made with equal options (one object, not one per connection).
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import type { HeartSocketOptions } from '../../adapters/HeartSocket.js';

const made: HeartSocket[] = [];
const settingsOf = (options: HeartSocketOptions = {}) => {
  // startClosed: no connection is attempted, no server is needed.
  const socket = new HeartSocket('ws://127.0.0.1:1', [], { WebSocket, startClosed: true, ...options });
  made.push(socket);
  return socket.actor.getSnapshot().context.settings;
};
const frozenThrough = (settings: object): boolean =>
  Object.isFrozen(settings) && Object.values(settings).every((value) => typeof value !== 'object' || Object.isFrozen(value));

describe('the settings a connection runs on', () => {
  afterEach(() => {
    for (const socket of made.splice(0)) socket.close();
  });

  it('are frozen with the default options, and shared by every connection made with them', () => {
    const settings = settingsOf();
    expect(frozenThrough(settings)).toBe(true);
    expect(settingsOf()).toBe(settings);
  });

  it('are frozen and shared with equal options given as new objects', () => {
    const settings = settingsOf({ heartbeat: { interval: 1234 } });
    expect(frozenThrough(settings)).toBe(true);
    expect(settings.heartbeat.interval).toBe(1234);
    expect(settingsOf({ heartbeat: { interval: 1234 } })).toBe(settings);
    expect(settingsOf({ heartbeat: { interval: 1235 } })).not.toBe(settings);
  });

  it('are not shared when any one value differs: at the top, in heartbeat, in reconnect', () => {
    const base = { connectTimeout: 5000, heartbeat: { message: new ArrayBuffer(1) }, reconnect: { delay: 100 } };
    const settings = settingsOf(base);
    expect(settingsOf(base)).toBe(settings);
    expect(settingsOf({ ...base, connectTimeout: 5001 })).not.toBe(settingsOf(base));
    // Another buffer, however alike: a message is compared as the object it is.
    expect(settingsOf({ ...base, heartbeat: { message: new ArrayBuffer(1) } })).not.toBe(settingsOf(base));
    expect(settingsOf({ ...base, reconnect: { delay: 101 } })).not.toBe(settingsOf(base));
    expect(settingsOf({ ...base, reconnect: false })).not.toBe(settingsOf(base));
  });

  it("are frozen with a user's shouldReconnect (each connection guards its own)", () => {
    const shouldReconnect = () => true;
    const settings = settingsOf({ reconnect: { shouldReconnect } });
    expect(frozenThrough(settings)).toBe(true);
    expect(settings.reconnect.shouldReconnect).not.toBe(shouldReconnect); // the guard around it
  });
});
