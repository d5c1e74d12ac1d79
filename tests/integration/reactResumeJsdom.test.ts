// @vitest-environment jsdom
// useHeartSocket with `resume` in a real React tree (React Testing Library in jsdom, `ws` as the
// WebSocket) against the real server half with sessions: the component shows the last resume
// result, and the messages it renders arrive once each across a dropped socket.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement, useState } from 'react';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useHeartSocket } from '../../adapters/react/index.js';
import { resumable } from '../../adapters/resume/index.js';
import { StreamServer } from '../resume/streams.js';

const server = new StreamServer({});
afterEach(async () => {
  cleanup();
  await server.stop();
});

const OPTIONS = { WebSocket, heartbeat: { interval: 100, timeout: 100 }, reconnect: { delay: 10 }, resume: resumable() };

/** A feed: every message it got, in order, and how its session stands. */
function Feed({ url }: { url: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const { lastResume, state } = useHeartSocket(url, { ...OPTIONS, onMessage: (event) => setLines((all) => [...all, String(event.data)]) });
  const session = lastResume === null ? 'none' : lastResume.resumed ? 'resumed' : `new (${lastResume.reason ?? 'first'})`;
  return createElement(
    'div',
    null,
    createElement('p', { role: 'status' }, `${state}, session ${session}`),
    createElement('ol', null, ...lines.map((line, index) => createElement('li', { key: index }, line))),
  );
}

it('shows "resumed" after the server drops the socket, and renders every message once', async () => {
  await server.start();
  render(createElement(Feed, { url: `ws://127.0.0.1:${server.port}` }));
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('open, session new (first)'));
  for (let i = 0; i < 5; i++) server.sendNext();
  server.terminateCurrent();
  for (let i = 0; i < 5; i++) server.sendNext(); // while the client is away: kept in the session
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('open, session resumed'), { timeout: 5000 });
  await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(10));
  expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i + 1}`));
});
