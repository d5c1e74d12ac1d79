// useHeartSocket's store (adapters/react/view.ts) with `resume`, outside React: the option reaches
// the socket, and `lastResume` shows the last handshake's result, a new snapshot when it changes.
// (React itself is exercised in Chromium by tests/browser/; the store is what the hook renders from.)
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SocketView } from '../../adapters/react/view.js';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup, onCleanup, waitFor } from '../support/client.js';
import { SessionPeer } from '../support/resumePeer.js';

describe('useHeartSocket with resume (the store)', () => {
  afterEach(cleanup);

  it('passes resume to the socket and exposes the last resume result', async () => {
    const peer = await SessionPeer.start();
    onCleanup(() => peer.stop());
    const view = new SocketView();
    view.update('k', peer.url, { WebSocket, heartbeat: false, reconnect: { delay: 20 }, resume: resumable() });
    const first = view.snapshot('k', 'connecting');
    expect(view.read(first, 'lastResume')).toBeNull();
    const release = view.connect('k');
    onCleanup(release);
    await waitFor(() => view.snapshot('k', 'connecting').state === 'open', 'open');
    const opened = view.snapshot('k', 'connecting');
    expect(opened.lastResume).toEqual({ resumed: false, reason: null, sessionId: 's1' });
    expect(peer.requests).toEqual(['/feed?heartsocket-session=1']);
    peer.cut();
    await waitFor(() => view.snapshot('k', 'connecting').lastResume?.resumed === true, 'resumed');
    expect(view.snapshot('k', 'connecting')).not.toBe(opened);
    expect(view.snapshot('k', 'connecting').lastResume).toEqual({ resumed: true, reason: null, sessionId: 's1' });
  });
});
