import { describe, expect, it } from 'vitest';
import { resolveSocketUrl } from './url';

describe('resolveSocketUrl', () => {
  it.each([
    ['/ws', 'http://localhost:3000/orders/1', 'ws://localhost:3000/ws?v=1'],
    ['/ws', 'https://shop.example/orders', 'wss://shop.example/ws?v=1'],
    ['ws://127.0.0.1:4000/ws', undefined, 'ws://127.0.0.1:4000/ws?v=1'],
    ['http://127.0.0.1:4000/ws', undefined, 'ws://127.0.0.1:4000/ws?v=1'],
    ['wss://x.example/ws?v=1', undefined, 'wss://x.example/ws?v=1'],
    ['wss://x.example/ws?token=a', undefined, 'wss://x.example/ws?token=a&v=1'],
  ])('%s on %s -> %s', (url, base, expected) => {
    expect(resolveSocketUrl(url, base)).toBe(expected);
  });
});
