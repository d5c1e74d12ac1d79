import { useSelector } from '@xstate/react';
import { useEffect, useState } from 'react';
import { HeartSocket, stateNameOf, type HeartSocketOptions, type SocketStateName } from 'heartsocket';

/**
 * One HeartSocket for as long as the component stays mounted with the same `url`; closed on
 * unmount. `undefined` until the effect has run: the socket is made in an effect, not during
 * render, so React's StrictMode (mount, unmount, mount) closes its first socket instead of
 * leaking it. `options` are read when the socket is made; changing them later does not reconnect.
 */
export function useHeartSocket(url: string, options?: HeartSocketOptions): HeartSocket | undefined {
  const [socket, setSocket] = useState<HeartSocket>();
  useEffect(() => {
    const created = new HeartSocket(url, [], options);
    setSocket(created);
    return () => {
      created.close();
      setSocket(undefined);
    };
    // Only a new url makes a new socket (see above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url]);
  return socket;
}

/** The socket's state, re-rendering only when it changes: `open`, `reconnectWait`, … */
export function useSocketState(socket: HeartSocket | undefined): SocketStateName {
  return useSelector(socket?.actor, (snapshot) => (snapshot === undefined ? 'connecting' : stateNameOf(snapshot)));
}

/** Every message the socket receives (pongs excluded), newest last, at most `keep`. */
export function useMessages(socket: HeartSocket | undefined, keep = 50): unknown[] {
  const [messages, setMessages] = useState<unknown[]>([]);
  useEffect(() => {
    if (socket === undefined) return;
    const onMessage = (event: Event) => {
      const { data } = event as MessageEvent;
      setMessages((previous) => [...previous.slice(-(keep - 1)), data]);
    };
    socket.addEventListener('message', onMessage);
    return () => socket.removeEventListener('message', onMessage);
  }, [socket, keep]);
  return messages;
}
