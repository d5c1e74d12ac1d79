// The real-time clock the actor runs on when no `options.clock` is given: its timers run as steps
// of the actor, and never before its own `now()` says they are due. The host's timers are faked
// here, and `performance.now()` is moved by hand: the host timeout can then fire early by `now()`,
// as Node's do (they count from the event loop's cached time, in whole milliseconds).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallbackReporter } from '../../adapters/callbacks.js';
import { actorClock, realNow } from '../../adapters/clock.js';

describe('the real-time clock', () => {
  let offset = 0;
  const steps: string[] = [];
  const enter = <T>(step: () => T): T => {
    steps.push('enter');
    return step();
  };
  const clock = () => actorClock(undefined, { enter }, new CallbackReporter());

  beforeEach(() => {
    offset = 0;
    steps.length = 0;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const base = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => base + offset);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("tells the time by heartsocket's real-time clock (what the machine's timers are judged by)", () => {
    offset = 1234;
    expect(clock().now()).toBe(realNow());
  });

  it('runs a timer as a step of the actor once it is due', () => {
    const fired = vi.fn();
    clock().setTimeout(fired, 50);
    offset = 50;
    vi.advanceTimersByTime(50);
    expect(fired).toHaveBeenCalledOnce();
    expect(steps).toEqual(['enter']);
  });

  it('waits out the rest of a timer the host fires before now() says it is due', () => {
    const fired = vi.fn();
    const start = realNow();
    clock().setTimeout(() => fired(realNow() - start), 50);
    offset = 49.4; // the host's timeout fires, 0.6 ms early by now()
    vi.advanceTimersByTime(50);
    expect(fired).not.toHaveBeenCalled();
    expect(steps).toEqual([]); // the actor was not even entered
    offset = 50.2;
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
    expect(fired.mock.calls[0]![0]).toBeGreaterThanOrEqual(50);
  });

  it('cancels a timer whose rest is being waited out', () => {
    const fired = vi.fn();
    const real = clock();
    const id: unknown = real.setTimeout(fired, 50);
    offset = 49.5;
    vi.advanceTimersByTime(50);
    real.clearTimeout(id);
    offset = 60;
    vi.advanceTimersByTime(20);
    expect(fired).not.toHaveBeenCalled();
  });

  it('runs a timer at once when now() lags far behind the host (fake host timers), as before', () => {
    const fired = vi.fn();
    clock().setTimeout(fired, 3000);
    offset = 5; // only the host's timers moved
    vi.advanceTimersByTime(3000);
    expect(fired).toHaveBeenCalledOnce();
  });
});
