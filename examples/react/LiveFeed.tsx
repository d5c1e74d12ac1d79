import { useSelector } from '@xstate/react';
import { useState } from 'react';
import { stateNameOf, type HeartSocket, type SocketStateName } from 'heartsocket';
import { useHeartSocket, useMessages } from './useHeartSocket';

const LABEL: Record<SocketStateName, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  awaitingPong: 'Connected (checking)',
  closing: 'Closing…',
  reconnectWait: 'Offline, retrying soon',
  closed: 'Disconnected',
};

/** The connection's state, straight from the statechart: re-renders only when it changes. */
export function ConnectionStatus({ socket }: { socket: HeartSocket }) {
  const state = useSelector(socket.actor, (s) => stateNameOf(s));
  const retries = useSelector(socket.actor, (s) => s.context.retries);
  return (
    <p role="status" data-state={state}>
      {LABEL[state]}
      {state === 'reconnectWait' && retries > 0 && ` (attempt ${retries})`}
      {(state === 'reconnectWait' || state === 'closed') && (
        <button type="button" onClick={() => socket.reconnect()}>
          Reconnect now
        </button>
      )}
    </p>
  );
}

/** A feed that stays connected: state, messages, and a form whose messages queue while offline. */
export function LiveFeed({ url }: { url: string }) {
  const socket = useHeartSocket(url, {
    heartbeat: { interval: 5000, timeout: 3000 },
    reconnect: { delay: 1000, factor: 2, maxDelay: 30_000, jitter: 0.5 },
  });
  const messages = useMessages(socket);
  const [draft, setDraft] = useState('');

  if (socket === undefined) return <p role="status">Connecting…</p>;
  return (
    <section>
      <ConnectionStatus socket={socket} />
      <ul>
        {messages.map((message, index) => (
          <li key={index}>{String(message)}</li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          socket.send(draft); // queued while not open, sent in order on reconnect
          setDraft('');
        }}
      >
        <input value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit">Send</button>
      </form>
    </section>
  );
}
