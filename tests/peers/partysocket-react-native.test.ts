/**
 * partysocket's `src/tests/react-native.test.ts` (cloudflare/partykit at c9ab55f3), ported to
 * HeartSocket under the upstream names and `describe`s. Its event tests (written for partysocket's
 * issue 257, events that React Native's polyfill rejected) apply to any socket that re-dispatches
 * events: here they check heartsocket's own event classes and the events a real HeartSocket
 * dispatches, against a `ws` server on 127.0.0.1:0.
 *
 * Left out — React Native only:
 * - "React Native environment detection" > "detects React Native environment via navigator.product": partysocket's React Native detection (heartsocket has none to detect; React Native is out of scope).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { HeartSocketCloseEvent, HeartSocketErrorEvent } from '../../adapters/events.js';
import { cleanup, createPartySocket, nextEvent, startPartyServer, waitForState } from './partysocketSupport.js';

afterEach(cleanup);

describe('React Native environment detection', () => {
  // partysocket's `CloseEvent(code, reason, target)` and `ErrorEvent(error, target)` are heartsocket's
  // `HeartSocketCloseEvent({ code, reason, wasClean })` and `HeartSocketErrorEvent(error)` (exported:
  // README "`close` exactly once per underlying socket", "`error` … `event.error` is what it threw").
  test('cloneEventNode creates valid Event instances', async () => {
    // Import the module in a standard environment first
    const module = await import('../../adapters/index.js');

    // Test that CloseEvent and ErrorEvent are proper Event subclasses
    const closeEvent = new module.HeartSocketCloseEvent({ code: 1000, reason: 'test', wasClean: true });
    expect(closeEvent).toBeInstanceOf(Event);
    expect(closeEvent.type).toBe('close');
    expect(closeEvent.code).toBe(1000);
    expect(closeEvent.reason).toBe('test');

    const errorEvent = new module.HeartSocketErrorEvent(new Error('test error'));
    expect(errorEvent).toBeInstanceOf(Event);
    expect(errorEvent.type).toBe('error');
    expect(errorEvent.message).toBe('test error');
  });

  test('event classes can be dispatched via EventTarget', () => {
    const target = new EventTarget();
    let receivedEvent: Event | null = null;

    target.addEventListener('close', (e) => {
      receivedEvent = e;
    });

    const closeEvent = new HeartSocketCloseEvent({ code: 1000, reason: 'normal closure', wasClean: true });
    target.dispatchEvent(closeEvent);

    expect(receivedEvent).not.toBeNull();
    expect(receivedEvent).toBeInstanceOf(Event);
    expect(receivedEvent).toBe(closeEvent);

    let receivedError: Event | null = null;
    target.addEventListener('error', (e) => {
      receivedError = e;
    });
    target.dispatchEvent(new HeartSocketErrorEvent(new Error('boom')));
    expect(receivedError).toBeInstanceOf(HeartSocketErrorEvent);
  });
});

describe('Event cloning for dispatchEvent', () => {
  // Upstream clones a MessageEvent it built itself; here the original is the `message` event a
  // HeartSocket dispatched for a real message: a light event that passes `instanceof MessageEvent`
  // and cannot be re-dispatched, so a copy is what goes elsewhere — CHANGELOG: "**Every message is a
  // light `MessageEvent`** for `onmessage` and `addEventListener` alike, with `event.target` the
  // socket … A light event cannot be re-dispatched by another `EventTarget` (copy it)". A clone built
  // from its fields keeps the data.
  test('cloned MessageEvent maintains data property', async () => {
    const server = await startPartyServer();
    server.wss.on('connection', (client) => client.send('test data'));
    const { socket } = createPartySocket(server.url);

    const originalEvent = await nextEvent<MessageEvent>(socket, 'message');
    expect(originalEvent).toBeInstanceOf(MessageEvent);
    expect(originalEvent.data).toBe('test data');
    const clonedEvent = new MessageEvent(originalEvent.type, {
      data: originalEvent.data,
      origin: originalEvent.origin,
      lastEventId: originalEvent.lastEventId,
    });

    expect(clonedEvent).toBeInstanceOf(Event);
    expect(clonedEvent).toBeInstanceOf(MessageEvent);
    expect(clonedEvent.data).toBe('test data');
    expect(clonedEvent.origin).toBe(originalEvent.origin);
    socket.close();
    await waitForState(socket, 'closed');
  });

  test('cloned Event can be dispatched', async () => {
    const server = await startPartyServer();
    const { socket } = createPartySocket(server.url);
    const target = new EventTarget();
    let eventReceived = false;

    target.addEventListener('open', () => {
      eventReceived = true;
    });

    const originalEvent = await nextEvent(socket, 'open');
    expect(originalEvent).toBeInstanceOf(Event);
    expect(originalEvent.target).toBe(socket);
    const clonedEvent = new Event(originalEvent.type, originalEvent);

    target.dispatchEvent(clonedEvent);
    expect(eventReceived).toBe(true);
    socket.close();
    await waitForState(socket, 'closed');
  });
});
