import { afterEach, describe, expect, it } from 'vitest';
import { createSocketActor } from '../../adapters/createSocketActor.js';
import { stateNameOf } from '../../machine/stateName.js';
import { cleanup, fastOptions, IMPLEMENTATIONS, onCleanup, startServer, waitFor } from '../support/client.js';

describe.each(IMPLEMENTATIONS)('createSocketActor (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  function startActor(url: string, overrides: Parameters<typeof createSocketActor>[1] = {}) {
    const messages: unknown[] = [];
    const opens: number[] = [];
    const actor = createSocketActor(url, {
      ...fastOptions(WebSocket),
      onMessage: (event) => messages.push(event.data),
      ...overrides,
    });
    onCleanup(() => actor.stop());
    actor.on('open', () => opens.push(1));
    const state = () => stateNameOf(actor.getSnapshot());
    return { actor, messages, opens, state };
  }

  it('echoes SEND events through onMessage, queued before open and sent after', async () => {
    const server = await startServer();
    const { actor, messages, opens, state } = startActor(server.url);

    actor.send({ type: 'SEND', data: 'early' });
    await waitFor(() => state() === 'open', 'open');
    actor.send({ type: 'SEND', data: 'late' });

    await waitFor(() => messages.length === 2, 'both echoes');
    expect(messages).toEqual(['early', 'late']);
    expect(server.received).toEqual(['early', 'late']);
    expect(opens).toHaveLength(1);
  });

  it('closes on a CLOSE event, seen by the server', async () => {
    const server = await startServer();
    const { actor, state } = startActor(server.url);
    const closes: unknown[] = [];
    actor.on('close', ({ code, reason, wasClean }) => closes.push({ code, reason, wasClean }));
    await waitFor(() => state() === 'open', 'open');

    actor.send({ type: 'CLOSE', code: 4100, reason: 'bye' });

    await waitFor(() => state() === 'closed', 'closed');
    expect(closes).toEqual([{ code: 4100, reason: 'bye', wasClean: true }]);
    await waitFor(() => server.closes.length === 1, 'the server to see the close');
    expect(server.closes).toEqual([{ code: 4100, reason: 'bye' }]);
  });

  it('hands queued messages to onUndelivered when closed before they could be sent', async () => {
    const server = await startServer();
    await server.stop();
    const undelivered: unknown[][] = [];
    const { actor, state } = startActor(server.url, {
      reconnect: { delay: 5000 },
      onUndelivered: (messages) => undelivered.push(messages),
    });
    actor.send({ type: 'SEND', data: 'never' });
    await waitFor(() => state() === 'reconnectWait', 'reconnectWait');

    actor.send({ type: 'CLOSE' });

    expect(state()).toBe('closed');
    expect(undelivered).toEqual([['never']]);
  });

  it('reports an onMessage or onUndelivered that throws as an error, and goes on', async () => {
    const server = await startServer();
    const errors: unknown[] = [];
    const messageBug = new Error('onMessage bug');
    const undeliveredBug = new Error('onUndelivered bug');
    const { actor, state } = startActor(server.url, {
      onMessage: () => {
        throw messageBug;
      },
      onUndelivered: () => {
        throw undeliveredBug;
      },
    });
    actor.on('error', ({ error }) => void errors.push(error));
    await waitFor(() => state() === 'open', 'open');
    actor.send({ type: 'SEND', data: 'echo me' });
    await waitFor(() => errors.length === 1, 'the onMessage throw');
    actor.send({ type: 'CLOSE' });
    actor.send({ type: 'SEND', data: 'refused' }); // after close(): handed to onUndelivered, which throws
    await waitFor(() => errors.length === 2, 'the onUndelivered throw');
    expect(errors).toEqual([messageBug, undeliveredBug]);
    expect(actor.getSnapshot().status).toBe('active');
  });

  it('warns on the console about undelivered messages when nobody asked to hear of them', async () => {
    const server = await startServer();
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (message: unknown) => void warnings.push(message);
    try {
      const { actor, state } = startActor(server.url);
      await waitFor(() => state() === 'open', 'open');
      actor.send({ type: 'CLOSE' });
      actor.send({ type: 'SEND', data: 'too late' });
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([expect.stringMatching(/SEND after the connection was closed/)]);
  });
});
