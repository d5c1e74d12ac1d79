// The diagrams the live view draws for a watched socket: labels in words with its real timings,
// the six-state flat view projected from the nested machine, and measured label sizes. All pure:
// checked here on the real machine's model, in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../../machine/settings.js';
import { socketMachine } from '../../machine/socketMachine.js';
import {
  describeMachine,
  describeRetryDelay,
  dotFromModel,
  readableLabel,
  timingsFromSettings,
  toDot,
  type MachineModel,
  type TransitionInfo,
} from '../../visualizations/diagram/diagram.js';
import { FLAT_STATES, flatModel, flatNameOf, toFlatDot, type FlatModel } from '../../visualizations/diagram/flatDiagram.js';

const root = new URL('../..', import.meta.url).pathname;
const model = describeMachine(socketMachine);
/** Settings as the inspector sends them: JSON, so without functions and with Infinity as null. */
const asJson = (settings: unknown): unknown => JSON.parse(JSON.stringify(settings));
const timings = timingsFromSettings(
  asJson(resolveSettings({ heartbeat: { interval: 2500, timeout: 1000 }, reconnect: { delay: 500, factor: 2, maxDelay: 8000 }, closeTimeout: 700 })),
);

const byId = new Map(model.states.map((state) => [state.id, state]));
const transition = (source: string, eventType: string, index = 0): TransitionInfo => {
  const found = model.transitions.filter(
    (t) => t.source === `heartsocket.${source}` && (t.eventType === eventType || t.eventType.startsWith(`xstate.after.${eventType}.`)),
  );
  if (found[index] === undefined) throw new Error(`no transition ${eventType} from ${source}`);
  return found[index];
};
const leafOf = (id: string): string => {
  let state = byId.get(id)!;
  while (state.initial !== null) state = byId.get(state.initial)!;
  return state.id;
};
/** The atomic states at or below a state. */
const leavesOf = (id: string): string[] => {
  const state = byId.get(id)!;
  return state.children.length === 0 ? [id] : state.children.flatMap(leavesOf);
};
const withTransition = (extra: Partial<TransitionInfo>): MachineModel => ({
  ...model,
  transitions: [...model.transitions, { ...model.transitions[11]!, id: `t${model.transitions.length}`, ...extra }],
});

describe('toDot without options', () => {
  it('is still the committed socket-machine.dot, byte for byte', () => {
    const committed = readFileSync(join(root, 'visualizations/generated/socket-machine.dot'), 'utf8');
    expect(toDot(socketMachine)).toBe(committed);
    expect(toDot(socketMachine, {})).toBe(committed);
    expect(dotFromModel(model)).toBe(committed);
  });

  it('with timings only, keeps the machine’s names and shows the socket’s values', () => {
    const dot = toDot(socketMachine, { timings });
    expect(dot).toContain('after pongTimeout (1000 ms)');
    expect(dot).toContain('after heartbeatInterval (2500 ms) [heartbeatIsOff]');
    expect(dot).toContain('after closeTimeout (700 ms)');
    expect(dot).not.toContain('after pongTimeout (3000 ms)');
  });
});

describe('timingsFromSettings', () => {
  it('reads the context’s settings as JSON, Infinity included', () => {
    expect(timings.fromDefaults).toBe(false);
    expect(timings.heartbeat).toEqual({ enabled: true, interval: 2500, timeout: 1000 });
    expect(timings.reconnect.delay).toBe(500);
    expect(timings.reconnect.maxRetries).toBe(Infinity); // JSON null
    expect(timings.closeTimeout).toBe(700);
    expect(timings.connectTimeout).toBe(DEFAULT_SETTINGS.connectTimeout);
  });

  it('gives the defaults, marked as such, without settings', () => {
    const defaults = timingsFromSettings(null);
    expect(defaults.fromDefaults).toBe(true);
    expect(defaults.heartbeat.timeout).toBe(DEFAULT_SETTINGS.heartbeat.timeout);
    expect(defaults.reconnect.minUptime).toBe(DEFAULT_SETTINGS.reconnect.minUptime);
    expect(timingsFromSettings({ heartbeat: { interval: 'soon' } }).heartbeat.interval).toBe(DEFAULT_SETTINGS.heartbeat.interval);
  });
});

describe('readable labels', () => {
  it('say what happens with the socket’s timings', () => {
    expect(readableLabel(transition('running.live.connected.awaitingPong.forPong', 'pongTimeout'), model, timings)).toBe(
      'no pong in 1000 ms',
    );
    expect(readableLabel(transition('running.live.connected.open', 'heartbeatInterval', 2), model, timings)).toBe(
      'silent 2500 ms [otherwise]',
    );
    expect(readableLabel(transition('running.live.connecting', 'SOCKET.CLOSE', 0), model, timings)).toBe(
      'socket closed [retry allowed]',
    );
    expect(readableLabel(transition('running.live.connecting', 'SOCKET.CLOSE', 1), model, timings)).toBe('socket closed [no retry]');
    expect(readableLabel(transition('running.live.connected.awaitingPong.forBufferedInput', 'pendingInput'), model, timings)).toBe(
      'next event-loop turn [timer fired late]',
    );
    expect(readableLabel(transition('running.reconnectWait.backoff', 'reconnectDelay'), model, timings)).toBe(
      'retry after 500 ms, ×2 each retry, ≤ 8000 ms',
    );
    expect(readableLabel(transition('running.live.connected', 'minUptime'), model, timings)).toBe('open 5000 ms / retry count reset');
  });

  it('describe the retry wait as it varies per attempt', () => {
    expect(describeRetryDelay({ delay: 1000, factor: 1, maxDelay: 30000, jitter: 0 })).toBe('1000 ms');
    expect(describeRetryDelay({ delay: 1000, factor: 2, maxDelay: 8000, jitter: 0.5 })).toBe(
      '1000 ms, ×2 each retry, ≤ 8000 ms (−50% jitter)',
    );
    expect(describeRetryDelay({ delay: 9000, factor: 2, maxDelay: 8000, jitter: 0 })).toBe('8000 ms');
  });

  it('leave the machine’s internal names out of the full chart', () => {
    const dot = dotFromModel(model, { timings, readable: true });
    for (const name of ['mayReconnect', 'resetRetries', 'notePingSent', 'heartbeatIsOff', 'reportClose', 'SOCKET.CLOSE', 'xstate.']) {
      expect(dot, name).not.toContain(name);
    }
    expect(dot).toContain('no pong in 1000 ms');
    expect(dot).toContain('on entry: sends a ping');
  });

  it('throw for a name the dictionaries lack, so the diagram cannot drift from the machine', () => {
    expect(() => dotFromModel(withTransition({ eventType: 'SOCKET.NEW' }), { readable: true })).toThrow(
      /event "SOCKET.NEW" that EVENT_WORDS/,
    );
    expect(() => toFlatDot(withTransition({ guard: 'moonIsFull' }))).toThrow(/guard "moonIsFull" that GUARD_WORDS/);
    expect(() =>
      toFlatDot(withTransition({ eventType: 'xstate.after.nap.x', delay: { name: 'nap', option: null, defaultMs: 5 } })),
    ).toThrow(/delay "nap" that DELAY_WORDS/);
    expect(() =>
      dotFromModel(withTransition({ source: 'heartsocket.running.live.connecting', targets: [], actions: ['dance'] }), {
        readable: true,
      }),
    ).toThrow(/action "dance" that ACTION_WORDS/);
  });
});

describe('the six-state view of the real machine', () => {
  const flat: FlatModel = flatModel(model, timings);
  const edge = (source: string | null, target: string) => flat.edges.find((e) => e.source === source && e.target === target);

  it('has exactly these arrows', () => {
    expect(flat.edges.map((e) => `${e.source ?? '•'} → ${e.target}`)).toEqual([
      '• → connecting',
      'connecting → open',
      'connecting → reconnectWait',
      'connecting → closed',
      'open → awaitingPong',
      'open → reconnectWait',
      'open → closing',
      'awaitingPong → open',
      'awaitingPong → reconnectWait',
      'awaitingPong → closing',
      'closing → closed',
      'closing → reconnectWait',
      'reconnectWait → connecting',
      'closed → connecting',
    ]);
    expect(flat.states.map((state) => state.svgId)).toEqual(FLAT_STATES.map((name) => `flat-state-${name}`));
    expect(flat.edges.map((e) => e.id)).toEqual(flat.edges.map((_, index) => `flat-edge-${index}`));
  });

  it('labels them in words with the socket’s timings, parallel arrows merged', () => {
    expect(edge('open', 'awaitingPong')!.lines).toEqual(['silent 2500 ms']);
    expect(edge('open', 'awaitingPong')!.timer).toBe(true);
    // The pong timer, its late re-check and close(): one arrow; the zero-delay reads are named by the timer before them.
    expect(edge('awaitingPong', 'closing')!.lines).toEqual(['close() · no pong in 1000 ms']);
    expect(edge('reconnectWait', 'connecting')!.lines).toEqual([
      'reconnect() · network online',
      'retry after 500 ms, ×2 each retry,',
      '    ≤ 8000 ms',
    ]);
    expect(edge('closing', 'closed')!.lines).toEqual(['socket closed · network offline', 'no close in 700 ms · close()']);
    expect(flat.edges.flatMap((e) => e.lines).join('\n')).not.toMatch(/mayReconnect|pendingInput|event-loop/);
  });

  it('writes the transitions of live and running once, as notes naming the states they leave', () => {
    const note = (id: string) => flat.notes.find((n) => n.id === flat.edgesOfTransition[id]![0]);
    const offline = transition('running.live', 'NETWORK.OFFLINE', 0);
    expect(note(offline.id)!.lines.join(' ')).toBe('network offline → reconnectWait   from connecting, open,     awaitingPong');
    const reconnect = transition('running.live', 'RECONNECT', 0);
    expect(note(reconnect.id)!.lines.join(' ')).toContain('from connecting, open,     awaitingPong, closing');
    expect(note(transition('running', 'CLOSE').id)!.lines.join(' ')).toBe('close() → closed   from connecting, reconnectWait');
    // Every "no retry" branch is the one note about the reconnect policy.
    const noRetry = model.transitions.filter((t) => t.isElse && model.transitions.some((g) => g.source === t.source && g.eventType === t.eventType && g.guard === 'mayReconnect'));
    expect(noRetry.length).toBeGreaterThan(5);
    const retryNote = flat.notes.at(-1)!;
    expect(retryNote.lines.join(' ')).toMatch(/only if retry allowed.*no retry: → closed/);
    expect(new Set(noRetry.map((t) => flat.edgesOfTransition[t.id]!.join()))).toEqual(new Set([retryNote.id]));
  });

  it('represents every transition that leaves a flat state, from each flat state it leaves, exactly once', () => {
    const items = new Map<string, { source: string | null; target: string | null; transitions: readonly string[] }>([
      ...flat.edges.map((e) => [e.id, e] as const),
      ...flat.notes.map((n) => [n.id, { source: null, target: null, transitions: n.transitions }] as const),
    ]);
    for (const t of model.transitions) {
      const ids = flat.edgesOfTransition[t.id]!;
      for (const id of ids) expect(items.get(id)!.transitions, `${id} lists ${t.id}`).toContain(t.id);
      if (t.targets.length === 0) {
        expect(ids, `${t.id} changes no state`).toEqual([]);
        continue;
      }
      const target = flatNameOf(model, leafOf(t.targets[0]!));
      const sources = new Set(leavesOf(t.source).map((leaf) => flatNameOf(model, leaf)));
      const crosses = [...sources].some((source) => source !== target);
      // Not drawn by design: the start's branches these settings do not take, and the session
      // handshake (taken only with `resume`, which the flat view's settings do not describe).
      const onlyWithResume = t.source.startsWith('heartsocket.running.live.connecting.handshake');
      if (crosses && t.source !== 'heartsocket.start' && !onlyWithResume) expect(ids.length, `${t.id} (${t.label}) is drawn`).toBeGreaterThan(0);
      const edgesFor = ids.map((id) => flat.edges.find((e) => e.id === id)).filter((e) => e !== undefined);
      for (const e of edgesFor) {
        expect(e.target, `${t.id} ends in ${e.id}'s target`).toBe(target);
        if (e.source !== null) expect(sources.has(e.source), `${e.id} starts inside ${t.source}`).toBe(true);
      }
      const from = edgesFor.map((e) => e.source);
      expect(new Set(from).size, `${t.id}: one arrow per flat source`).toBe(from.length);
    }
  });

  it('maps each model state to its flat state', () => {
    expect(flat.flatOfState['heartsocket.running.live.connected.awaitingPong.forBufferedInputAgain']).toBe('awaitingPong');
    expect(flat.flatOfState['heartsocket.running.live.closing.deadPeer']).toBe('closing');
    expect(flat.flatOfState['heartsocket.running.reconnectWait.offline']).toBe('reconnectWait');
    expect(flat.flatOfState['heartsocket.running']).toBeNull();
    expect(flat.flatOfState['heartsocket.start']).toBeNull();
  });

  it('starts where the settings start: closed with startClosed', () => {
    const closedStart = flatModel(model, timingsFromSettings({ startClosed: true }));
    expect(closedStart.edges[0]).toMatchObject({ source: null, target: 'closed' });
    expect(flat.edges[0]).toMatchObject({ source: null, target: 'connecting', lines: [] });
  });
});

describe('measured label sizes', () => {
  it('become fixed cells of exactly the measured size, for every line of every label', () => {
    const asked: string[] = [];
    const measure = (text: string, style: { fontSize: number; bold: boolean }) => {
      asked.push(`${style.fontSize}${style.bold ? 'b' : ''} ${text}`);
      return { width: text.length * 7 + 0.4, height: style.fontSize + 3 };
    };
    const dot = toFlatDot(model, { timings, labelSize: measure });
    expect(asked).toContain('14b connecting');
    expect(asked).toContain('12 silent 2500 ms');
    expect(dot).toContain(`<TD FIXEDSIZE="TRUE" WIDTH="${Math.ceil('silent 2500 ms'.length * 7 + 0.4) + 1}" HEIGHT="15" ALIGN="LEFT">`);
    expect(dot).toMatch(/id="flat-state-awaitingPong"/);
    expect(dot).toMatch(/id="flat-edge-4"/);
    // The full chart too: state names, compartments and edge labels.
    asked.length = 0;
    const full = dotFromModel(model, { timings, readable: true, labelSize: measure });
    expect(asked).toContain('11b deadPeer');
    expect(asked).toContain('9 no pong in 1000 ms');
    const cells = full.match(/FIXEDSIZE="TRUE"/g)!.length;
    expect(cells).toBe(asked.length);
  });
});
