import { describe, expect, it } from 'vitest';
import { toWebSocketUrl, urlResolver } from '../../adapters/url.js';

describe('toWebSocketUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080/feed', 'ws://127.0.0.1:8080/feed'],
    ['wss://example.com', 'wss://example.com/'],
    ['http://example.com/x', 'ws://example.com/x'],
    ['https://example.com/x?t=1', 'wss://example.com/x?t=1'],
  ])('accepts %s', (input, expected) => {
    expect(toWebSocketUrl(input)).toBe(expected);
  });

  it.each([
    ['not a url', /is not a valid URL/],
    ['ftp://example.com', /has the scheme ftp:; use ws:\/\/ or wss:\/\//],
    ['ws://example.com/#frag', /has a fragment/],
  ])('refuses %s with a SyntaxError that says what to do', (input, message) => {
    expect(() => toWebSocketUrl(input)).toThrow(SyntaxError);
    expect(() => toWebSocketUrl(input)).toThrow(message);
  });
});

describe('urlResolver', () => {
  it('checks a fixed URL at once', () => {
    expect(() => urlResolver('nope')).toThrow(SyntaxError);
  });

  it('calls a url function before every attempt', async () => {
    let n = 0;
    const resolve = urlResolver(() => `ws://h/${++n}`);
    expect(await resolve()).toBe('ws://h/1');
    expect(await resolve()).toBe('ws://h/2');
  });

  it('turns a throwing url function into a rejected attempt, not a throw at the caller', async () => {
    const resolve = urlResolver(() => {
      throw new Error('token service down');
    });
    await expect(resolve()).rejects.toThrow('token service down');
  });

  it('refuses a url of the wrong type', () => {
    expect(() => urlResolver(42 as never)).toThrow(TypeError);
  });
});
