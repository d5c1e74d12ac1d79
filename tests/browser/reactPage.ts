/**
 * The page of tests/browser/react.test.ts, bundled by esbuild with React, react-dom/client and
 * `useHeartSocket` from the source. No JSX: `createElement`. The test drives it through
 * `window.harness`: it mounts probes (components using the hook) into slots, each slot a React
 * root of its own (optionally inside `<StrictMode>`), and reads what they rendered.
 */
import { createElement as h, StrictMode, useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useHeartSocket, type UseHeartSocketOptions } from '../../adapters/react/index.js';

/**
 * What a probe reads from the hook, which decides what re-renders it:
 * - `state`: `state` only;
 * - `messages`: `state` and `lastMessage`;
 * - `filtered`: the same, with a `filter` that keeps messages starting with `keep`;
 * - `early`: `state` and `lastMessage`, and a child that calls `send('early')` in its effect,
 *   which runs before the hook's own (child effects run first): before the socket exists.
 */
export type ProbeKind = 'state' | 'messages' | 'filtered' | 'early';

/** One probe: its id, the URL (null: none) and the JSON-able options of `useHeartSocket`. */
export interface ProbeSpec {
  kind: ProbeKind;
  id: string;
  url: string | null;
  options?: UseHeartSocketOptions;
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
}

export interface Harness {
  /** Renders `probes` into `slot` (a root of its own, made on first use); again: an update. */
  mount(slot: string, probes: ProbeSpec[], strict?: boolean): void;
  /** Unmounts the slot's root. */
  unmount(slot: string): void;
  /** `send` of the probe's latest render. */
  send(id: string, data: string): void;
  record: PageRecord;
}

const record: PageRecord = { rendered: {}, onMessage: {}, warnings: [], webSockets: [] };
const sends: Record<string, (data: string) => void> = {};

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

function Probe({ spec }: { spec: ProbeSpec }) {
  const options: UseHeartSocketOptions = {
    ...spec.options,
    onMessage: (message) => (record.onMessage[spec.id] ??= []).push(message.data),
  };
  if (spec.kind === 'filtered') options.filter = (message) => String(message.data).startsWith('keep');
  const result = useHeartSocket(spec.url, options);
  const shown: unknown[] = spec.kind === 'state' ? [result.state] : [result.state, result.lastMessage?.data ?? null];
  (record.rendered[spec.id] ??= []).push(shown);
  sends[spec.id] = result.send;
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
  send(id, data) {
    sends[id]!(data);
  },
  record,
};

(window as unknown as { harness: Harness }).harness = harness;
