// The two halves together: HeartSocket with `resume` (heartsocket/resume) against
// acceptHeartbeats({ sessions }) (heartsocket/server), through a TCP proxy on 127.0.0.1 that cuts
// the link: every message each way reaches the other app exactly once and in order.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup, createSocket, fastOptions, waitFor, waitForState } from '../support/client.js';
import { TcpProxy } from '../support/proxy.js';
import { acceptSessions, startWss } from '../support/wss.js';

describe('heartsocket/resume with heartsocket/server sessions', () => {
  afterEach(cleanup);

  it('resumes across a cut link: exactly once and in order, both ways', async () => {
    const { wss, port } = await startWss();
    const { sessions, received: serverGot } = acceptSessions(wss);
    const proxy = await TcpProxy.start(port);
    const { socket, events } = createSocket(
      `${proxy.url}/feed`,
      fastOptions(WebSocket, { heartbeat: { interval: 200, timeout: 1000 }, resume: resumable({ timeout: 1000 }) }),
    );
    const opens: boolean[] = [];
    socket.addEventListener('open', (event) => opens.push(event.resumed));
    await waitForState(socket, 'open');
    const session = sessions[0]!;
    for (let i = 1; i <= 5; i++) {
      socket.send(`c${i}`);
      session.send(`s${i}`);
    }
    proxy.cut();
    for (let i = 6; i <= 10; i++) {
      socket.send(`c${i}`);
      session.send(`s${i}`);
    }
    await waitFor(() => opens.length === 2, 'the resumed open', 5000);
    await waitFor(() => serverGot.length === 10 && events.messages.length === 10, () => `server ${serverGot.length}, client ${events.messages.length}`, 5000);
    expect(opens).toEqual([false, true]);
    expect(sessions).toHaveLength(1);
    expect(serverGot).toEqual(Array.from({ length: 10 }, (_, i) => `c${i + 1}`));
    expect(events.messages).toEqual(Array.from({ length: 10 }, (_, i) => `s${i + 1}`));
    expect(events.undelivered).toEqual([]);
  });
});
