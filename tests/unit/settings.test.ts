import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, HEARTBEAT_PONG, resolveSettings } from '../../machine/settings.js';

describe('resolveSettings', () => {
  it('fills in the seed defaults', () => {
    const settings = resolveSettings();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.heartbeat).toMatchObject({ interval: 3000, timeout: 3000, message: 'ping' });
    expect(settings.reconnect).toMatchObject({ delay: 4000, factor: 1, jitter: 0, maxRetries: Infinity });
    expect(settings).toMatchObject({ connectTimeout: 10000, closeTimeout: 1000 });
  });

  it('keeps what was given and defaults the rest', () => {
    const settings = resolveSettings({ heartbeat: { interval: 50 }, reconnect: { factor: 2, jitter: 1 } });
    expect(settings.heartbeat).toMatchObject({ interval: 50, timeout: 3000, enabled: true });
    expect(settings.reconnect).toMatchObject({ delay: 4000, factor: 2, jitter: 1 });
  });

  it('turns the heartbeat or reconnecting off with false', () => {
    const settings = resolveSettings({ heartbeat: false, reconnect: false });
    expect(settings.heartbeat.enabled).toBe(false);
    expect(settings.reconnect.enabled).toBe(false);
  });

  it.each([
    [{ heartbeat: { interval: -1 } }, /options\.heartbeat\.interval must be a number of milliseconds > 0 and ≤ 2147483647 .*, got -1/],
    [{ heartbeat: { interval: 0 } }, /options\.heartbeat\.interval .* got 0/],
    [{ heartbeat: { timeout: NaN } }, /options\.heartbeat\.timeout .* got NaN/],
    [{ reconnect: { delay: Infinity } }, /options\.reconnect\.delay .* got Infinity/],
    [{ reconnect: { maxDelay: -5 } }, /options\.reconnect\.maxDelay .* got -5/],
    [{ reconnect: { jitter: 1.5 } }, /options\.reconnect\.jitter must be a number from 0 to 1, got 1\.5/],
    [{ reconnect: { jitter: -0.1 } }, /options\.reconnect\.jitter .* got -0\.1/],
    [{ reconnect: { maxRetries: 2.5 } }, /options\.reconnect\.maxRetries must be a whole number ≥ 0, or Infinity, got 2\.5/],
    [{ reconnect: { maxRetries: -1 } }, /options\.reconnect\.maxRetries .* got -1/],
    [{ reconnect: { factor: 0.5 } }, /options\.reconnect\.factor must be a finite number ≥ 1, got 0\.5/],
    [{ reconnect: { minUptime: -1 } }, /options\.reconnect\.minUptime .* got -1/],
    [{ connectTimeout: 0 }, /options\.connectTimeout .* got 0/],
    [{ closeTimeout: -1 }, /options\.closeTimeout .* got -1/],
    // Timers fire at once beyond 2³¹ − 1 ms: a "never" would become a reconnect storm.
    [{ connectTimeout: Number.MAX_SAFE_INTEGER }, /options\.connectTimeout .* ≤ 2147483647 .* got 9007199254740991/],
    [{ reconnect: { delay: 2 ** 31 } }, /options\.reconnect\.delay .* ≤ 2147483647 .* got 2147483648/],
    [{ heartbeat: { interval: 1e10 } }, /options\.heartbeat\.interval .* got 10000000000/],
    [{ reconnect: { maxDelay: 2 ** 31 } }, /options\.reconnect\.maxDelay .* got 2147483648/],
    [{ reconnect: { minUptime: 2 ** 32 } }, /options\.reconnect\.minUptime .* got 4294967296/],
    [{ heartbeat: { timeout: 2 ** 31 } }, /options\.heartbeat\.timeout .* got 2147483648/],
    [{ closeTimeout: 2 ** 31 } , /options\.closeTimeout .* got 2147483648/],
  ])('throws a RangeError naming the option and value: %j', (options, message) => {
    expect(() => resolveSettings(options as never)).toThrow(RangeError);
    expect(() => resolveSettings(options as never)).toThrow(message);
  });

  const oneSecond = (): number => 1000;

  it('takes reconnect.delay as a function of the retry number, kept as it is', () => {
    const delay = (retry: number) => retry * 1000;
    expect(resolveSettings({ reconnect: { delay } }).reconnect.delay).toBe(delay);
  });

  it.each([
    [{ reconnect: { delay: oneSecond, factor: 2 } }, /options\.reconnect\.factor must be left out when reconnect\.delay is a function .*, got 2\./],
    [{ reconnect: { delay: oneSecond, maxDelay: 5000 } }, /options\.reconnect\.maxDelay must be left out .*, got 5000\./],
    [{ reconnect: { delay: oneSecond, jitter: 0.5 } }, /options\.reconnect\.jitter must be left out .*, got 0\.5\./],
    [{ reconnect: { delay: '3s' } }, /options\.reconnect\.delay must be a number of milliseconds, or a function of the retry number returning one, got "3s"\./],
  ])('refuses what a delay function cannot go with, naming the option and value: %j', (options, message) => {
    expect(() => resolveSettings(options as never)).toThrow(TypeError);
    expect(() => resolveSettings(options as never)).toThrow(message);
  });

  it.each([
    [{ heartbeat: { interval: '100' } }, /options\.heartbeat\.interval must be a number of milliseconds, got "100"/],
    [{ heartbeat: { message: 42 } }, /options\.heartbeat\.message must be a string, ArrayBuffer/],
    [{ heartbeat: { isPong: 'pong' } }, /options\.heartbeat\.isPong must be a function/],
    [{ heartbeat: true }, /options\.heartbeat must be an object or false, got true/],
    [{ reconnect: { shouldReconnect: true } }, /options\.reconnect\.shouldReconnect must be a function/],
    [{ heartbeat: { intervall: 5 } }, /unknown option heartbeat\.intervall/],
    [{ reconnect: { retries: 5 } }, /unknown option reconnect\.retries/],
    [{ startClosed: 'yes' }, /options\.startClosed must be a boolean, got "yes"/],
    [{ heartbeat: { protocol: 1 } }, /options\.heartbeat\.protocol must be a boolean, got 1/],
  ])('throws a TypeError for a wrong type or an unknown name: %j', (options, message) => {
    expect(() => resolveSettings(options as never)).toThrow(TypeError);
    expect(() => resolveSettings(options as never)).toThrow(message);
  });

  it('accepts the longest duration a timer can wait', () => {
    expect(resolveSettings({ connectTimeout: 2 ** 31 - 1 }).connectTimeout).toBe(2 ** 31 - 1);
  });

  it('accepts binary and function ping messages', () => {
    expect(resolveSettings({ heartbeat: { message: new Uint8Array([1]) } }).heartbeat.message).toEqual(new Uint8Array([1]));
    const make = () => 'p';
    expect(resolveSettings({ heartbeat: { message: make } }).heartbeat.message).toBe(make);
  });
});

describe('the default isPong', () => {
  it("takes the text 'pong' and nothing else (not the bytes of it, nor text that starts or ends so)", () => {
    const isPong = resolveSettings({}).heartbeat.isPong!;
    expect(isPong('pong')).toBe(true);
    expect(isPong(HEARTBEAT_PONG)).toBe(true);
    expect(isPong(['p', 'o', 'n', 'g'].join(''))).toBe(true); // a string made at run time, as messages are
    for (const other of ['ping', 'pon', 'pongs', 'Pong', '', Buffer.from('pong'), new TextEncoder().encode('pong').buffer, null, 4]) {
      expect(isPong(other)).toBe(false);
    }
  });
});

describe('heartbeat: false', () => {
  it("consumes no pongs: every message, 'pong' too, is the app's", () => {
    expect(resolveSettings({ heartbeat: false }).heartbeat.isPong).toBeUndefined();
    expect(resolveSettings({}).heartbeat.isPong?.('pong')).toBe(true);
  });
});
