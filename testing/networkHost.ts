/**
 * The host's online/offline signal, as a browser has it, installed on `globalThis` for one walk:
 * Node has none, and jsdom's never changes.
 */
export class NetworkHost extends EventTarget {
  #saved: Record<string, PropertyDescriptor | undefined> = {};
  #navigator = { onLine: true };

  install(status: 'online' | 'offline'): void {
    this.#navigator = { onLine: status === 'online' };
    const replacements: Record<string, unknown> = {
      navigator: this.#navigator,
      addEventListener: this.addEventListener.bind(this),
      removeEventListener: this.removeEventListener.bind(this),
    };
    for (const [key, value] of Object.entries(replacements)) {
      this.#saved[key] = Object.getOwnPropertyDescriptor(globalThis, key);
      Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
    }
  }

  uninstall(): void {
    for (const [key, descriptor] of Object.entries(this.#saved)) {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete (globalThis as Record<string, unknown>)[key];
    }
    this.#saved = {};
  }

  go(status: 'online' | 'offline'): void {
    this.#navigator.onLine = status === 'online';
    this.dispatchEvent(new Event(status));
  }
}
