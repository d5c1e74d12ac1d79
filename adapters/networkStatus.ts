import type { NetworkEvent } from '../machine/types.js';
import type { DeliveryScheduler } from './deliveryScheduler.js';

interface NetworkHost {
  navigator: { onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** The host's `online`/`offline` signal, where it has one (browsers); elsewhere `null`. */
export function networkHost(): NetworkHost | null {
  const host = globalThis as Partial<NetworkHost> & { navigator?: { onLine?: unknown } };
  const hasStatus = typeof host.navigator?.onLine === 'boolean';
  return hasStatus && typeof host.addEventListener === 'function' && typeof host.removeEventListener === 'function'
    ? (host as NetworkHost)
    : null;
}

/** Whether the host says it is offline now: the machine starts waiting for `online` then. */
export function hostIsOffline(): boolean {
  return networkHost()?.navigator.onLine === false;
}

/**
 * The machine's `network` actor, for one client: forwards the browser's online/offline events
 * while it runs, each as a step of the actor (`scheduler.enter`). Returns its cleanup; `undefined`
 * where the host has no such signal (Node).
 */
export function watchNetworkStatus(
  sendBack: (event: NetworkEvent) => void,
  scheduler: DeliveryScheduler,
): (() => void) | undefined {
  const host = networkHost();
  if (host === null) return undefined;
  const offline = () => scheduler.enter(() => sendBack({ type: 'NETWORK.OFFLINE' }));
  const online = () => scheduler.enter(() => sendBack({ type: 'NETWORK.ONLINE' }));
  host.addEventListener('offline', offline);
  host.addEventListener('online', online);
  return () => {
    host.removeEventListener('offline', offline);
    host.removeEventListener('online', online);
  };
}
