import { describe, expect, it } from 'vitest';
import { checkUrlSource, lookUpUrl, toWebSocketUrl } from '../../adapters/url.js';

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

describe('checkUrlSource and lookUpUrl', () => {
  it('checks a fixed URL at once, and gives it normalised to every attempt', async () => {
    expect(() => checkUrlSource('nope')).toThrow(SyntaxError);
    const fixed = checkUrlSource(new URL('https://h/feed'));
    expect(fixed).toBe('wss://h/feed');
    expect(await lookUpUrl(fixed)).toBe('wss://h/feed');
  });

  it('calls a url function before every attempt', async () => {
    let n = 0;
    const url = checkUrlSource(() => `ws://h/${++n}`);
    expect(await lookUpUrl(url)).toBe('ws://h/1');
    expect(await lookUpUrl(url)).toBe('ws://h/2');
  });

  it('turns a throwing url function into a rejected attempt, not a throw at the caller', async () => {
    const url = checkUrlSource(() => {
      throw new Error('token service down');
    });
    const lookUp = lookUpUrl(url);
    await expect(lookUp).rejects.toThrow('token service down');
  });

  it('refuses a url of the wrong type', () => {
    expect(() => checkUrlSource(42 as never)).toThrow(TypeError);
  });
});
