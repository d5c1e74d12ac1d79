/**
 * The page of tests/browser/react.test.ts, bundled by esbuild with React, react-dom/client and
 * `useHeartSocket` from the source. No JSX: `createElement`. The test drives it through
 * `window.harness`: it mounts probes (components using the hook) into slots, each slot a React
 * root of its own (optionally inside `<StrictMode>`), and reads what they rendered.
 */
import { createElement as h, StrictMode, useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useHeartSocket, type UseHeartSocketOptions } from '../../adapters/react/index.js';
import type { UrlSource } from '../../adapters/url.js';

/**
 * What a probe reads from the hook, which decides what re-renders it:
 * - `state`: `state` only;
 * - `messages`: `state` and `lastMessage`;
 * - `filtered`: the same, with a `filter` that keeps messages starting with `keep`;
 * - `early`: `state` and `lastMessage`, and a child that calls `send('early')` in its effect,
 *   which runs before the hook's own (child effects run first): before the socket exists;
 * - `status`: `status` only.
 */
export type ProbeKind = 'state' | 'messages' | 'filtered' | 'early' | 'status';

/** One probe: its id, the URL (null: none) and the JSON-able options of `useHeartSocket`. */
export interface ProbeSpec {
  kind: ProbeKind;
  id: string;
  url: string | null;
  options?: UseHeartSocketOptions;
  /**
   * Inline functions made anew at each render from this render's spec (the page records their calls):
   * - `urlFunction`: the URL is `() => url + '?token=' + token`, `sync` or `async`;
   * - `shouldReconnect`: `reconnect.shouldReconnect` answers this;
   * - `pingTag`: `heartbeat.message` is `() => 'ping-' + pingTag`;
   * - `delayFunction`: `reconnect.delay` is `(retry) => 20`, recording `retry`.
   */
  urlFunction?: 'sync' | 'async';
  token?: string;
  shouldReconnect?: boolean;
  pingTag?: string;
  delayFunction?: boolean;
}

/** What the page records, by probe id. */
export interface PageRecord {
  /** What each render showed: `[state]`, or `[state, lastMessage data]`. */
  rendered: Record<string, unknown[][]>;
  /** Messages each probe's `onMessage` got (filtered or not). */
  onMessage: Record<string, unknown[]>;
  /** `console.warn` calls. */
  warnings: string[];
  /** The URL of every WebSocket the page constructed. */
  webSockets: string[];
  /** What each probe's `onError` got: the error's name, code and message. */
  onError: Record<string, string[]>;
  /** What each probe's `onReconnectStop` got: the last close's code. */
  onReconnectStop: Record<string, (number | null)[]>;
  /** The retry numbers each probe's delay function was called with. */
  delays: Record<string, number[]>;
}

export interface Harness {
  /** Renders `probes` into `slot` (a root of its own, made on first use); again: an update. */
  mount(slot: string, probes: ProbeSpec[], strict?: boolean): void;
  /** Unmounts the slot's root. */
  unmount(slot: string): void;
  /**
   * Unmounts the slot's root and reports the `state` of probe `id`'s socket: at once (the same
   * task), and after the microtasks queued meanwhile.
   */
  unmountWatching(slot: string, id: string): Promise<[string | undefined, string | undefined]>;
  /** `send` of the probe's latest render; what it threw, as a string, or null. */
  send(id: string, data: string): string | null;
  /** `close` of the probe's latest render. */
  close(id: string): void;
  record: PageRecord;
}

const record: PageRecord = { rendered: {}, onMessage: {}, warnings: [], webSockets: [], onError: {}, onReconnectStop: {}, delays: {} };
const sends: Record<string, (data: string) => void> = {};
const closes: Record<string, () => void> = {};
/** Each probe's latest result: its `socket` is read only by `unmountWatching` (reading it subscribes). */
const results: Record<string, { readonly socket: { state: string } | null }> = {};

const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  record.warnings.push(args.map(String).join(' '));
  warn(...args);
};

// HeartSocket takes the global WebSocket when it is constructed: this one counts them.
globalThis.WebSocket = class CountedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    record.webSockets.push(String(url));
  }
};

function SendEarly({ send }: { send: (data: string) => void }) {
  useEffect(() => send('early'), [send]);
  return null;
}

/** The URL a probe gives the hook: its `url`, or an inline function made at this render. */
function urlOf(spec: ProbeSpec): UrlSource | null {
  if (spec.url === null || spec.urlFunction === undefined) return spec.url;
  const url = `${spec.url}?token=${spec.token}`;
  return spec.urlFunction === 'sync' ? () => url : () => new Promise<string>((resolve) => setTimeout(() => resolve(url), 10));
}

/** The options a probe gives the hook, with its inline functions (see `ProbeSpec`). */
function optionsOf(spec: ProbeSpec): UseHeartSocketOptions {
  const options: UseHeartSocketOptions = {
    ...spec.options,
    onMessage: (message) => (record.onMessage[spec.id] ??= []).push(message.data),
    onError: (event) => {
      const error = event.error as { name?: string; code?: string; message?: string } | undefined;
      (record.onError[spec.id] ??= []).push(`${error?.name} ${error?.code} ${error?.message}`);
    },
    onReconnectStop: (close) => (record.onReconnectStop[spec.id] ??= []).push(close?.code ?? null),
  };
  if (spec.kind === 'filtered') options.filter = (message) => String(message.data).startsWith('keep');
  const reconnect = options.reconnect === false ? undefined : { ...options.reconnect };
  if (spec.shouldReconnect !== undefined) reconnect!.shouldReconnect = () => spec.shouldReconnect!;
  if (spec.delayFunction === true) reconnect!.delay = (retry) => ((record.delays[spec.id] ??= []).push(retry), 20);
  if (reconnect !== undefined) options.reconnect = reconnect;
  if (spec.pingTag !== undefined) options.heartbeat = { ...(options.heartbeat || {}), message: () => `ping-${spec.pingTag}` };
  return options;
}

function Probe({ spec }: { spec: ProbeSpec }) {
  const result = useHeartSocket(urlOf(spec), optionsOf(spec));
  const shown: unknown[] =
    spec.kind === 'state' ? [result.state] : spec.kind === 'status' ? [result.status] : [result.state, result.lastMessage?.data ?? null];
  (record.rendered[spec.id] ??= []).push(shown);
  sends[spec.id] = result.send;
  closes[spec.id] = result.close;
  results[spec.id] = result;
  return h('p', { id: spec.id }, JSON.stringify(shown), spec.kind === 'early' ? h(SendEarly, { send: result.send }) : null);
}

const roots = new Map<string, Root>();

const harness: Harness = {
  mount(slot, probes, strict = false) {
    let root = roots.get(slot);
    if (root === undefined) {
      const element = document.createElement('section');
      element.id = slot;
      document.body.append(element);
      root = createRoot(element);
      roots.set(slot, root);
    }
    const children = probes.map((spec) => h(Probe, { key: spec.id, spec }));
    root.render(strict ? h(StrictMode, null, children) : children);
  },
  unmount(slot) {
    roots.get(slot)?.unmount();
    roots.delete(slot);
  },
  async unmountWatching(slot, id) {
    const socket = results[id]?.socket;
    harness.unmount(slot);
    const atOnce = socket?.state;
    await new Promise<void>((resolve) => queueMicrotask(() => queueMicrotask(resolve)));
    return [atOnce, socket?.state];
  },
  send(id, data) {
    try {
      sends[id]!(data);
      return null;
    } catch (error) {
      return String(error);
    }
  },
  close(id) {
    closes[id]!();
  },
  record,
};

(window as unknown as { harness: Harness }).harness = harness;
