// The live view's relay (`npm run viz:serve`) carries message previews and socket URLs with their
// tokens: a page of another site open in the same browser must not connect to it (cross-site
// WebSocket hijacking). A real relay on a free port; clients send the Origin a browser would.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLiveViewServer, type LiveViewServer } from '../../visualizations/page/serve.js';
import { wsText } from '../support/text.js';

const root = new URL('../..', import.meta.url).pathname;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(): Promise<{ relay: LiveViewServer; refused: { origin: string; reason: string }[] }> {
  const refused: { origin: string; reason: string }[] = [];
  const relay = await startLiveViewServer({ root, bundle: '', onRefused: (origin, reason) => refused.push({ origin, reason }) });
  cleanups.push(() => relay.close());
  return { relay, refused };
}

/** Connects with `origin` (none: as a Node process); how the handshake ended, and what arrived. */
function connect(
  url: string,
  origin?: string,
): Promise<{ opened: true; socket: WebSocket; received: string[] } | { opened: false; status: number; body: string }> {
  const socket = new WebSocket(url, origin === undefined ? {} : { origin });
  cleanups.push(() => socket.terminate());
  const received: string[] = [];
  socket.on('message', (data) => received.push(wsText(data)));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ opened: true, socket, received }));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.once('end', () => resolve({ opened: false, status: response.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

const portOf = (url: string): string => new URL(url).port;

describe("the live view's relay and the Origin of who connects", () => {
  it('refuses a foreign page (Origin https://evil.example) with 403, naming the origin and the ones it accepts', async () => {
    const { relay, refused } = await startRelay();
    const evil = await connect(relay.relayUrl, 'https://evil.example');
    expect(evil).toMatchObject({ opened: false, status: 403 });
    if (evil.opened) return;
    expect(evil.body).toContain('not Origin https://evil.example');
    expect(evil.body).toContain(`http://127.0.0.1:${portOf(relay.url)}`);
    expect(refused).toEqual([{ origin: 'https://evil.example', reason: evil.body.trim() }]);
  });

  it("refuses Origin null (a sandboxed frame, or a page opened from disk), saying so", async () => {
    const { relay } = await startRelay();
    const sandboxed = await connect(relay.relayUrl, 'null');
    expect(sandboxed).toMatchObject({ opened: false, status: 403 });
    if (!sandboxed.opened) expect(sandboxed.body).toMatch(/not Origin null \(a page opened from disk, or a sandboxed frame/);
  });

  it('refuses a page on another port of the same host: another origin', async () => {
    const { relay } = await startRelay();
    const otherPort = Number(portOf(relay.url)) === 65535 ? 65534 : Number(portOf(relay.url)) + 1;
    expect(await connect(relay.relayUrl, `http://127.0.0.1:${otherPort}`)).toMatchObject({ opened: false, status: 403 });
    expect(await connect(relay.relayUrl, `https://127.0.0.1:${portOf(relay.url)}`)).toMatchObject({ opened: false, status: 403 });
  });

  it("accepts its own page, by 127.0.0.1 and by localhost, and a Node process (no Origin); they hear each other", async () => {
    const { relay, refused } = await startRelay();
    const port = portOf(relay.url);
    const node = await connect(relay.relayUrl);
    const page = await connect(relay.relayUrl, `http://127.0.0.1:${port}`);
    const localhost = await connect(relay.relayUrl, `http://localhost:${port}`);
    if (!node.opened || !page.opened || !localhost.opened) throw new Error('a welcome client was refused');
    node.socket.send('{"type":"@xstate.event"}');
    await expect.poll(() => [page.received, localhost.received]).toEqual([['{"type":"@xstate.event"}'], ['{"type":"@xstate.event"}']]);
    expect(refused).toEqual([]);
  });
});
