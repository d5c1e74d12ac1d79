// The diagrams are generated from the machine: regenerated here in memory, they must equal the
// committed files, and every state node and transition of the machine must be in them.
import { RESUME_DEFAULTS } from '../../adapters/resume/options.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../machine/backoff.js';
import { resolveSettings } from '../../machine/settings.js';
import { socketMachine } from '../../machine/socketMachine.js';
import { describeMachine, SOCKET_DELAYS, type MachineModel } from '../../visualizations/diagram/diagram.js';
import { generateDiagrams } from '../../visualizations/diagram/generate.js';

const root = new URL('../..', import.meta.url).pathname;

interface WalkedTransition {
  source: string;
  sourceKey: string;
  sourceIsCompound: boolean;
  targets: { id: string; key: string; compound: boolean }[];
  trigger: string;
  guard: string | null;
}

/**
 * A state node by its path from the root, as the diagrams name it: XState's `id` is that path too,
 * except for the nodes deep transitions target by an id of their own (`#deadPeer`).
 */
const pathOf = (node: any): string => [socketMachine.id, ...node.path].join('.');

/** The machine's own definition, walked independently of the generator. */
function walkMachine() {
  const states: { id: string; key: string; compound: boolean }[] = [];
  const transitions: WalkedTransition[] = [];
  const delays = new Set<string>();
  const visit = (node: any): void => {
    const compound = Object.keys(node.states).length > 0;
    states.push({ id: pathOf(node), key: node.key, compound });
    const all = [...node.transitions.values()].flat().concat(node.always ?? []);
    const afterEvents = new Set(node.after.map((t: any) => t.eventType));
    for (const t of all) {
      let trigger: string = t.eventType === '' ? 'always' : t.eventType;
      if (afterEvents.has(t.eventType)) {
        const delay = node.after.find((a: any) => a.eventType === t.eventType).delay;
        delays.add(String(delay));
        trigger = `after ${delay} (${SOCKET_DELAYS[delay]?.defaultMs} ms)`;
      }
      const guard = t.guard === undefined ? null : typeof t.guard === 'string' ? t.guard : t.guard.type;
      transitions.push({
        source: pathOf(node),
        sourceKey: node.key,
        sourceIsCompound: compound,
        targets: (t.target ?? []).map((target: any) => ({
          id: pathOf(target),
          key: target.key,
          compound: Object.keys(target.states).length > 0,
        })),
        trigger,
        guard,
      });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(socketMachine.root);
  return { states, transitions, delays };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('diagrams generated from socketMachine', async () => {
  const files = await generateDiagrams(root);
  const content = (suffix: string): string => files.find((file) => file.path.endsWith(suffix))!.content;
  const mermaid = content('.mmd');
  const dot = content('.dot');
  const svg = content('.svg');
  const model = JSON.parse(content('.json')) as MachineModel;
  const machine = walkMachine();

  it('are deterministic: generating twice gives the same bytes', async () => {
    const again = await generateDiagrams(root);
    expect(again).toEqual(files);
  });

  it.each(files.map((file) => file.path))('%s is committed and up to date (else run `npm run viz`)', (path) => {
    let committed: string;
    try {
      committed = readFileSync(join(root, path), 'utf8');
    } catch {
      throw new Error(`${path} is missing: run \`npm run viz\` and commit the result.`);
    }
    const generated = files.find((file) => file.path === path)!.content;
    if (committed !== generated) {
      throw new Error(`${path} is stale: the machine changed. Run \`npm run viz\` and commit the result.`);
    }
  });

  it("include the README's picture, the six-state view with every flat state in it", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const picture = /!\[[^\]]*\]\((visualizations\/[^)]+\.svg)\)/.exec(readme)?.[1];
    expect(picture).toBe('visualizations/generated/socket-machine-flat.svg');
    const flat = content('socket-machine-flat.svg');
    for (const state of ['connecting', 'open', 'awaitingPong', 'closing', 'reconnectWait', 'closed']) {
      expect(flat).toContain(`id="flat&#45;state&#45;${state}"`);
    }
  });

  it('show every state node', () => {
    expect(model.states.map((state) => state.id)).toEqual(machine.states.map((state) => state.id));
    for (const state of machine.states) {
      // Mermaid: declared (a block for a compound state); Graphviz: a node, or a cluster; SVG: by id.
      const declared = state.compound ? `state ${state.key} {` : state.key;
      expect(mermaid.split('\n').map((line) => line.trim()), `${state.id} in the .mmd`).toContain(declared);
      const inDot = state.compound ? `subgraph "cluster_${state.id}" {` : `"${state.id}" [id="state-${state.id}"`;
      expect(dot, `${state.id} in the .dot`).toContain(inDot);
      expect(svg, `${state.id} in the .svg`).toContain(`id="state&#45;${state.id}"`);
    }
  });

  it('show every transition: events, `after` delays with their defaults, and guards by name', () => {
    expect(model.transitions).toHaveLength(machine.transitions.length);
    const mermaidLines = mermaid.split('\n').map((line) => line.trim());
    const dotLines = dot.split('\n').map((line) => line.trim());
    for (const t of machine.transitions) {
      const condition = t.guard === null ? '' : ` [${t.guard}]`;
      const what = `${t.source} on ${t.trigger}${condition}`;
      if (t.targets.length === 0) {
        // Runs its actions without leaving: written inside the state (a note for a compound one).
        const drawn = `${escape(t.trigger)}${t.guard === null ? '( \\[else\\])?' : escape(condition)}( / .+)?$`;
        const inside = new RegExp(t.sourceIsCompound ? `^${drawn}` : `^${escape(t.sourceKey)} : ${drawn}`);
        expect(mermaidLines.some((line) => inside.test(line)), `${what} in the .mmd`).toBe(true);
        const dotOwner = t.sourceIsCompound ? `"${t.source}:internal"` : `"${t.source}"`;
        expect(
          dotLines.some((line) => line.startsWith(dotOwner) && line.includes(`${t.trigger}${condition}`)),
          `${what} in the .dot`,
        ).toBe(true);
        continue;
      }
      for (const target of t.targets) {
        const arrow = new RegExp(`^${escape(t.sourceKey)} --> ${escape(target.key)} : ${escape(t.trigger)}${escape(condition)}`);
        expect(mermaidLines.some((line) => arrow.test(line)), `${what} → ${target.key} in the .mmd`).toBe(true);
        const anchor = (id: string, compound: boolean): string => (compound ? `${id}:initial` : id);
        const tail = `"${anchor(t.source, t.sourceIsCompound)}" -> `;
        const head = t.source === target.id && target.compound ? '"t' : `"${anchor(target.id, target.compound)}"`;
        const label = `label="${t.trigger}${condition.replace(' [', '\\n[')}`;
        expect(
          dotLines.some((line) => line.startsWith(`${tail}${head}`) && line.includes(label)),
          `${what} → ${target.key} in the .dot`,
        ).toBe(true);
      }
    }
    // Nothing else: one arrow per transition target.
    const arrows = mermaidLines.filter((line) => / --> /.test(line) && !line.startsWith('[*]'));
    expect(arrows).toHaveLength(machine.transitions.reduce((n, t) => n + t.targets.length, 0));
    for (const transition of model.transitions) {
      for (const svgId of transition.svgIds) expect(svg, `${transition.id} in the .svg`).toContain(`id="${svgId.replace(/-/g, '&#45;')}"`);
    }
  });

  it('label the delays with their defaults, as the options table has them', () => {
    expect([...machine.delays].sort()).toEqual(Object.keys(SOCKET_DELAYS).sort());
    for (const label of [
      'after heartbeatInterval (3000 ms)',
      'after pongTimeout (3000 ms)',
      'after reconnectDelay (4000 ms)',
      'after minUptime (5000 ms)',
      'after connectTimeout (10000 ms)',
      'after closeTimeout (1000 ms)',
    ]) {
      expect(mermaid).toContain(label);
      expect(dot).toContain(label);
    }
    // The defaults in the labels are what the machine's own delays compute for default options.
    const settings = resolveSettings({});
    const context = {
      settings,
      retries: 1,
      retryDelay: backoffDelay(settings.reconnect, 1, () => 0),
      silentFor: () => 0,
      random: () => 0,
      // `resume` on, with resumable()'s default: the handshake's timeout is that of the context.
      handshakeTimeout: RESUME_DEFAULTS.timeout,
    };
    const implementations = socketMachine.implementations.delays as Record<string, (args: unknown) => number>;
    for (const [name, info] of Object.entries(SOCKET_DELAYS)) {
      const delay = implementations[name]!;
      // A delay is a function of the context, or a fixed number of milliseconds.
      expect(typeof delay === 'number' ? delay : delay({ context, event: { type: 'x' } }), name).toBe(info.defaultMs);
    }
  });

  it('describeMachine throws for a delay it cannot explain', () => {
    expect(() => describeMachine(socketMachine, {})).toThrow(/SOCKET_DELAYS/);
  });
});
