import { fromCallback } from 'xstate';
import type { NetworkEvent } from '../machine/types.js';

interface NetworkHost {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** The host's `online`/`offline` events, where it has them (browsers); elsewhere nothing. */
function networkHost(): NetworkHost | null {
  const host = globalThis as Partial<NetworkHost> & { navigator?: { onLine?: unknown } };
  const hasStatus = typeof host.navigator?.onLine === 'boolean';
  return hasStatus && typeof host.addEventListener === 'function' && typeof host.removeEventListener === 'function'
    ? (host as NetworkHost)
    : null;
}

/** The machine's `network` actor: forwards the browser's online/offline events while it runs. */
export const networkStatusLogic = fromCallback<NetworkEvent>(({ sendBack }) => {
  const host = networkHost();
  if (host === null) return;
  const offline = () => sendBack({ type: 'NETWORK.OFFLINE' });
  const online = () => sendBack({ type: 'NETWORK.ONLINE' });
  host.addEventListener('offline', offline);
  host.addEventListener('online', online);
  return () => {
    host.removeEventListener('offline', offline);
    host.removeEventListener('online', online);
  };
});
