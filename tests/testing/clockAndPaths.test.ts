// heartsocket/testing's TestClock (timers fire only when the test says) and connectionPaths' options.
import { describe, expect, it } from 'vitest';
import { connectionPaths, TestClock } from '../../testing/index.js';

describe('TestClock', () => {
  it('fires nothing until advanced to the due moment, then each timer in due order at its own time', () => {
    const clock = new TestClock();
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(101);
    expect(fired).toEqual([['a', 100], ['b', 200]]);
    expect(clock.now()).toBe(200);
    expect(clock.pending).toEqual([]);
  });

  it('fires, within one advance, the timers that fired timers set and that fall due in it', () => {
    const clock = new TestClock();
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 0), 50);
    clock.advance(50);
    expect(fired).toEqual([50]);
  });

  it('skip() moves time without firing; runDue() then fires what is late', () => {
    const clock = new TestClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 100);
    clock.skip(1000);
    expect(fired).toBe(0);
    expect(clock.now()).toBe(1000);
    clock.runDue();
    expect(fired).toBe(1);
  });

  it('fire() fires the chosen timer alone, at its due moment; clearTimeout() cancels', () => {
    const clock = new TestClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('early'), 10);
    const late = clock.setTimeout(() => fired.push('late'), 30);
    clock.setTimeout(() => fired.push('chosen'), 20);
    clock.clearTimeout(late);
    clock.fire(clock.timer(20));
    expect(fired).toEqual(['chosen']);
    expect(clock.now()).toBe(20);
    expect(clock.pending.map((timer) => timer.ms)).toEqual([10]);
    expect(() => clock.timer(30)).toThrow(/no pending 30 ms timer \(pending: 10 ms\)/);
  });

  it('stops a chain of timers that never ends', () => {
    const clock = new TestClock();
    const again = () => void clock.setTimeout(again, 0);
    again();
    expect(() => clock.advance(1)).toThrow(/keep setting timers/);
  });
});

describe('connectionPaths', () => {
  it('makes the variants asked for, and names the option and the value of one that does not exist', () => {
    const paths = connectionPaths({ variants: ['heartbeatOff'] });
    expect(new Set(paths.map((path) => path.variant))).toEqual(new Set(['heartbeatOff']));
    expect(paths.every((path) => path.name.startsWith('heartbeatOff: ') && path.steps[0]!.description === 'start')).toBe(true);
    expect(() => connectionPaths({ variants: ['sleepyPeer' as never] })).toThrow(
      new RangeError('heartsocket: options.variants must be a list of silentPeer, chattyPeer, heartbeatOff, stalledHost, startClosed, offlineStart, sessionServer, sessionlessServer, got "sleepyPeer".'),
    );
  });
});
