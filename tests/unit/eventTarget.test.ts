// The DOM standard's event dispatch, rule by rule (https://dom.spec.whatwg.org/), for heartsocket's
// own EventTarget — and, as the reference that keeps these tests honest, for Node's EventTarget
// with the same events: every rule must hold for both.
import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import WebSocket from 'ws';
import { SocketEventTarget } from '../../adapters/eventTarget.js';
import { LightMessageEvent, StateChangeEvent } from '../../adapters/events.js';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { sleep } from '../support/wait.js';

/** A target and a way to fire a `message` on it, as the socket does. */
interface Subject {
  target: EventTarget;
  fire: (data?: unknown) => Event;
}

const subjects: [string, () => Subject][] = [
  [
    'heartsocket (light MessageEvent)',
    () => {
      const target = new SocketEventTarget();
      return { target, fire: (data = 'x') => dispatched(target, new LightMessageEvent(data, '', 0) as unknown as Event) };
    },
  ],
  [
    "heartsocket (any other Event: a real MessageEvent, adopted for the dispatch)",
    () => {
      const target = new SocketEventTarget();
      return { target, fire: (data = 'x') => dispatched(target, new MessageEvent('message', { data })) };
    },
  ],
  [
    "Node's EventTarget (reference)",
    () => {
      const target = new EventTarget();
      return { target, fire: (data = 'x') => dispatched(target, new MessageEvent('message', { data })) };
    },
  ],
];

function dispatched(target: EventTarget, event: Event): Event {
  target.dispatchEvent(event);
  return event;
}

describe.each(subjects)('event dispatch: %s', (_name, make) => {
  it('"If eventTarget’s event listener list does not contain an event listener whose type is listener’s type, callback is listener’s callback, and capture is listener’s capture, then append listener": a duplicate is ignored', () => {
    const { target, fire } = make();
    const calls: string[] = [];
    const listener = () => void calls.push('a');
    target.addEventListener('message', listener);
    target.addEventListener('message', listener);
    target.addEventListener('message', listener, { capture: true }); // another capture: another listener
    fire();
    expect(calls).toEqual(['a', 'a']);
  });

  it('"If listener’s once is true, then remove an event listener": once runs once', () => {
    const { target, fire } = make();
    const calls: number[] = [];
    target.addEventListener('message', () => void calls.push(1), { once: true });
    fire();
    fire();
    expect(calls).toEqual([1]);
  });

  it('"If listener’s signal is not null and is aborted, then return" / abort removes the listener', () => {
    const { target, fire } = make();
    const calls: string[] = [];
    const aborted = new AbortController();
    aborted.abort();
    target.addEventListener('message', () => void calls.push('never'), { signal: aborted.signal });
    const later = new AbortController();
    target.addEventListener('message', () => void calls.push('until abort'), { signal: later.signal });
    fire();
    later.abort();
    fire();
    expect(calls).toEqual(['until abort']);
  });

  it('"Let callback be the result of getting the handleEvent property of callback": objects with handleEvent', () => {
    const { target, fire } = make();
    const seen: unknown[] = [];
    const object = { handleEvent: (event: Event) => void seen.push((event as MessageEvent).data) };
    target.addEventListener('message', object);
    fire('hello');
    object.handleEvent = (event: Event) => void seen.push(`later ${(event as MessageEvent).data}`); // looked up at dispatch
    fire('again');
    expect(seen).toEqual(['hello', 'later again']);
  });

  it('"Let listeners be a clone of event’s currentTarget’s event listener list": a listener added during dispatch waits for the next event', () => {
    const { target, fire } = make();
    const calls: string[] = [];
    target.addEventListener('message', () => {
      calls.push('first');
      target.addEventListener('message', () => void calls.push('added'));
    }, { once: true });
    fire();
    expect(calls).toEqual(['first']);
    fire();
    expect(calls).toEqual(['first', 'added']);
  });

  it('"If listener’s removed is true, then continue": a listener removed during dispatch is not called', () => {
    const { target, fire } = make();
    const calls: string[] = [];
    const second = () => void calls.push('second');
    target.addEventListener('message', () => {
      calls.push('first');
      target.removeEventListener('message', second);
    });
    target.addEventListener('message', second);
    fire();
    expect(calls).toEqual(['first']);
  });

  it('"If event’s stop immediate propagation flag is set, then return": stopImmediatePropagation() stops the rest', () => {
    const { target, fire } = make();
    const calls: string[] = [];
    target.addEventListener('message', (event) => {
      calls.push('first');
      event.stopImmediatePropagation();
    });
    target.addEventListener('message', () => void calls.push('second'));
    fire();
    expect(calls).toEqual(['first']);
  });

  it('target and currentTarget are the target during dispatch; currentTarget is null and eventPhase NONE after', () => {
    const { target, fire } = make();
    const during: unknown[] = [];
    target.addEventListener('message', (event) => void during.push(event.target, event.currentTarget, event.eventPhase));
    const event = fire();
    expect(during).toEqual([target, target, Event.AT_TARGET]);
    expect(event.target).toBe(target);
    expect(event.currentTarget).toBeNull();
    expect(event.eventPhase).toBe(Event.NONE);
  });

  it('"report the exception": a throwing listener does not stop the others', async () => {
    const { target, fire } = make();
    const calls: string[] = [];
    const reported: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (error) => void reported.push(error));
    try {
      target.addEventListener('message', () => {
        throw new Error('listener bug');
      });
      target.addEventListener('message', () => void calls.push('second'));
      fire();
      await sleep(10);
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
    expect(calls).toEqual(['second']);
    expect(reported).toEqual([new Error('listener bug')]);
  });

  it('"inner invoke": a function listener is called with the target as this, on every call (its own bind property is not used)', () => {
    const { target, fire } = make();
    const seen: unknown[] = [];
    const listener = function (this: unknown) {
      seen.push(this);
    };
    listener.bind = () => {
      throw new Error('the platform binds with its own bind, not the callback’s');
    };
    target.addEventListener('message', listener);
    fire();
    fire();
    expect(seen).toEqual([target, target]);
  });

  it('is a MessageEvent with its fields', () => {
    const { target, fire } = make();
    let seen: MessageEvent | undefined;
    target.addEventListener('message', (event) => void (seen = event as MessageEvent));
    fire('data');
    expect(seen).toBeInstanceOf(MessageEvent);
    expect(seen).toMatchObject({ type: 'message', data: 'data', origin: '', lastEventId: '', source: null, bubbles: false, cancelable: false });
    expect(seen!.ports).toEqual([]);
    expect(typeof seen!.timeStamp).toBe('number');
    expect(seen!.defaultPrevented).toBe(false);
  });
});

describe('on… handlers (the HTML standard\'s event handler attributes)', () => {
  const socket = () => new HeartSocket('ws://127.0.0.1:9/', [], { WebSocket, startClosed: true });

  it('run at the place in the listener list where the handler was first set; replacing keeps the place', () => {
    const s = socket();
    const calls: string[] = [];
    s.addEventListener('message', () => void calls.push('listener 1'));
    s.onmessage = () => void calls.push('handler A');
    s.addEventListener('message', () => void calls.push('listener 2'));
    s.onmessage = () => void calls.push('handler B');
    s.dispatchEvent(new LightMessageEvent('x', '', 0) as unknown as Event);
    expect(calls).toEqual(['listener 1', 'handler B', 'listener 2']);
  });

  it('a handler replaced after it ran is the one called next, with the socket as this', () => {
    const s = socket();
    const calls: unknown[] = [];
    s.onmessage = function (this: unknown) {
      calls.push('A', this);
    };
    s.dispatchEvent(new LightMessageEvent('x', '', 0) as unknown as Event);
    s.onmessage = function (this: unknown) {
      calls.push('B', this);
    };
    s.dispatchEvent(new LightMessageEvent('y', '', 0) as unknown as Event);
    expect(calls).toEqual(['A', s, 'B', s]);
  });

  it('null removes the handler; set again, it goes to the end', () => {
    const s = socket();
    const calls: string[] = [];
    s.onmessage = () => void calls.push('handler');
    s.addEventListener('message', () => void calls.push('listener'));
    s.onmessage = null;
    s.dispatchEvent(new LightMessageEvent('x', '', 0) as unknown as Event);
    s.onmessage = () => void calls.push('handler again');
    s.dispatchEvent(new LightMessageEvent('y', '', 0) as unknown as Event);
    expect(calls).toEqual(['listener', 'listener', 'handler again']);
    expect(s.onmessage).not.toBeNull();
  });

  it('are listeners of their own: the same function added as a listener is another listener', () => {
    const s = socket();
    const calls: string[] = [];
    const f = () => void calls.push('f');
    s.onmessage = f;
    s.addEventListener('message', f);
    s.dispatchEvent(new LightMessageEvent('x', '', 0) as unknown as Event);
    s.removeEventListener('message', f); // removes the listener, not the handler
    s.dispatchEvent(new LightMessageEvent('y', '', 0) as unknown as Event);
    expect(calls).toEqual(['f', 'f', 'f']);
  });

  it('get the socket as this, event.target and event.currentTarget, for any Event dispatched', () => {
    const s = socket();
    const seen: unknown[] = [];
    s.onopen = function (this: unknown, event) {
      seen.push(this, event.target, event.currentTarget);
    };
    s.dispatchEvent(new Event('open'));
    expect(seen).toEqual([s, s, s]);
  });
});

it('a light message event is not retargeted by another EventTarget (documented: copy it to re-dispatch)', () => {
  const other = new EventTarget();
  const targets: unknown[] = [];
  other.addEventListener('message', (event) => void targets.push(event.target));
  other.dispatchEvent(new LightMessageEvent('x', '', 0) as unknown as Event);
  expect(targets).toEqual([null]);
});

describe('the light events look like real ones, field by field', () => {
  /** What a listener sees of an event during dispatch, and what is left after. */
  function observe(target: EventTarget, event: Event) {
    let during: Record<string, unknown> = {};
    target.addEventListener(event.type, (e) => {
      during = {
        type: e.type, bubbles: e.bubbles, cancelable: e.cancelable, composed: e.composed,
        defaultPrevented: e.defaultPrevented, isTrusted: e.isTrusted, returnValue: e.returnValue,
        eventPhase: e.eventPhase, path: e.composedPath().length, targetIsTarget: e.target === target,
        srcElementIsTarget: e.srcElement === target, currentTargetIsTarget: e.currentTarget === target,
      };
      e.preventDefault(); // not cancelable: no effect
      e.stopPropagation(); // one target: nothing to stop beyond it
    });
    const notPrevented = target.dispatchEvent(event);
    return { during, after: { notPrevented, eventPhase: event.eventPhase, path: event.composedPath().length, currentTarget: event.currentTarget } };
  }

  it('a light MessageEvent shows what a real MessageEvent shows, during dispatch and after', () => {
    const light = observe(new SocketEventTarget(), new LightMessageEvent('x', 'ws://o', 0) as unknown as Event);
    const real = observe(new EventTarget(), new MessageEvent('message', { data: 'x', origin: 'ws://o' }));
    expect(light).toEqual(real);
  });

  it("heartsocket's own events show what a real Event shows", () => {
    const own = observe(new SocketEventTarget(), new StateChangeEvent('open', 'connecting'));
    const real = observe(new EventTarget(), new Event('statechange'));
    expect(own).toEqual(real);
  });

  it('any Event dispatched on heartsocket shows what it shows on a real EventTarget', () => {
    expect(observe(new SocketEventTarget(), new Event('custom'))).toEqual(observe(new EventTarget(), new Event('custom')));
  });

  it("stopImmediatePropagation() on heartsocket's own events stops the rest, as on a real Event", () => {
    const run = (target: EventTarget, event: Event): string[] => {
      const calls: string[] = [];
      target.addEventListener(event.type, (e) => {
        calls.push('first');
        e.stopImmediatePropagation();
      });
      target.addEventListener(event.type, () => void calls.push('second'));
      target.dispatchEvent(event);
      return calls;
    };
    expect(run(new SocketEventTarget(), new StateChangeEvent('open', 'connecting'))).toEqual(['first']);
    expect(run(new EventTarget(), new Event('statechange'))).toEqual(['first']);
  });

  it('cancelBubble says whether stopImmediatePropagation() was called', () => {
    const event = new LightMessageEvent('x', '', 0);
    expect(event.cancelBubble).toBe(false);
    event.stopImmediatePropagation();
    expect(event.cancelBubble).toBe(true);
  });
});

describe("HeartSocket's EventTarget is Node's, constructed as Node constructs it", () => {
  it('runs EventTarget\'s own constructor: instanceof holds, and events.getEventListeners() works on it', () => {
    const target = new SocketEventTarget();
    expect(target).toBeInstanceOf(EventTarget);
    const listener = (): void => {};
    target.addEventListener('open', listener);
    // Node's own list is not where heartsocket keeps its listeners: the call works and finds none.
    expect(getEventListeners(target, 'open')).toEqual([]);
    // Node's methods, called on it, work as on any EventTarget (they would throw on an object that
    // did not go through EventTarget's constructor).
    const seen: string[] = [];
    EventTarget.prototype.addEventListener.call(target, 'ping', () => seen.push('node listener'));
    EventTarget.prototype.dispatchEvent.call(target, new Event('ping'));
    expect(seen).toEqual(['node listener']);
  });
});
