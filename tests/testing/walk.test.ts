// heartsocket/testing's walkPath, where it must fail: with the step a user's check failed at, when
// the app did not make its socket with the walk's options, when the socket outlives the walk.
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { connectionPaths, walkPath, type ConnectionPath } from '../../testing/index.js';

const pathNamed = (name: string): ConnectionPath => {
  const path = connectionPaths({ variants: ['silentPeer'] }).find((candidate) => candidate.name === name);
  if (path === undefined) throw new Error(`no path ${name}`);
  return path;
};
const OPEN_THEN_CLOSE = 'silentPeer: SOCKET.OPEN → CLOSE → SOCKET.CLOSE(4001)';

describe('walkPath', () => {
  it('runs atEachStep after every step and atEnd once, after the last', async () => {
    const seen: string[] = [];
    await walkPath(pathNamed(OPEN_THEN_CLOSE), {
      start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
      atEachStep: ({ index, step, state, app }) => void seen.push(`${index} ${step.description} ${state} ${app.state}`),
      atEnd: ({ index }) => void seen.push(`end ${index}`),
    });
    expect(seen).toEqual(['0 start connecting connecting', '1 SOCKET.OPEN open open', '2 CLOSE closing closing', '3 SOCKET.CLOSE(4001) closed closed', 'end 3']);
  });

  it("fails with the user's error, saying at which step and in which state", async () => {
    const walk = walkPath(pathNamed(OPEN_THEN_CLOSE), {
      start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
      atEachStep: ({ state }) => {
        if (state === 'closing') throw new Error('the banner is wrong');
      },
    });
    await expect(walk).rejects.toThrow('the banner is wrong (at step 2 (CLOSE), in closing)');
  });

  it("fails when the app made no socket with the walk's options", async () => {
    let socket: HeartSocket | undefined;
    const walk = walkPath(pathNamed(OPEN_THEN_CLOSE), {
      start: ({ url }) => (socket = new HeartSocket(url, [], { WebSocket })),
    });
    await expect(walk).rejects.toThrow(/start: state .* the socket is not made \(did the app pass the walk's options to it\?\)/);
    socket?.close();
  });

  it('fails when the socket is still open after stop()', async () => {
    let socket: HeartSocket | undefined;
    const walk = walkPath(pathNamed('silentPeer: SOCKET.OPEN → after minUptime'), {
      start: ({ url, options }) => (socket = new HeartSocket(url, [], { ...options, WebSocket })),
      stop: () => {},
    });
    await expect(walk).rejects.toThrow(/the socket to close after the walk, is (open|reconnectWait|connecting)/);
    socket?.close();
  });
});
