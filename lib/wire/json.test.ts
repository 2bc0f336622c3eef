import { describe, expect, it } from 'vitest';
import { parseClientJson, readClientJson, wellFormed, wellFormedValue } from './json';

describe('parseClientJson', () => {
  it.each([
    ['plain text', '{"notes":"ส่งของวันจันทร์"}', { notes: 'ส่งของวันจันทร์' }],
    ['an emoji as itself', '{"notes":"🚚"}', { notes: '🚚' }],
    ['an emoji as an escaped pair', '{"notes":"\\ud83d\\ude9a"}', { notes: '🚚' }],
    ['an escape typed as text', '{"notes":"\\\\ud83d"}', { notes: '\\ud83d' }],
    ['a replacement character', '{"notes":"\\ufffd"}', { notes: '\uFFFD' }],
  ])('reads %s', (_name, text, value) => {
    expect(parseClientJson(text)).toEqual(value);
  });

  it.each([
    ['a lone high surrogate', '{"notes":"broken \\ud83d"}'],
    ['a lone low surrogate', '["\\ude9a tail"]'],
    ['a pair in the wrong order', '"\\ude9a\\ud83d"'],
    ['one deep in an object', '{"op":{"type":"text","op":[3,"x\\uD83D"]}}'],
    ['one in a key', '{"address":{"\\ud800":"x"}}'],
  ])('refuses %s as malformed', (_name, text) => {
    expect(() => parseClientJson(text)).toThrow(SyntaxError);
  });

  it('refuses what is not JSON', () => {
    expect(() => parseClientJson('{"notes":')).toThrow(SyntaxError);
  });
});

describe('readClientJson', () => {
  it('keeps what a refused frame said, so the refusal can name its request', () => {
    expect(readClientJson('{"type":"rpc","id":"r1","params":{"value":"\\ud83d"}}')).toEqual({
      ok: false,
      reason: 'unicode',
      value: { type: 'rpc', id: 'r1', params: { value: '\uD83D' } },
    });
    expect(readClientJson('{"type":')).toEqual({ ok: false, reason: 'syntax' });
  });
});

describe('wellFormed', () => {
  it.each([
    ['a lone high surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate', '\uDE9Aa', '\uFFFDa'],
    ['a pair in the wrong order', '\uDE9A\uD83D', '\uFFFD\uFFFD'],
    ['several', '\uD83D\uD83D🚚\uDE9A', '\uFFFD\uFFFD🚚\uFFFD'],
  ])('replaces %s', (_name, text, expected) => {
    expect(wellFormed(text)).toBe(expected);
    expect(() => parseClientJson(JSON.stringify({ notes: wellFormed(text) }))).not.toThrow();
  });

  it('keeps well-formed text as it is', () => {
    const text = 'ส่งของ 🚚 \\ud83d';
    expect(wellFormed(text)).toBe(text);
  });
});

describe('wellFormedValue', () => {
  it('makes every string and key of a form input well-formed, keeping the rest', () => {
    const input = {
      name: 'a\uD83D',
      tags: ['ok', '\uDE9A'],
      address: { '\uD800': 'x', line1: '🚚' },
      n: 3,
      on: true,
    };
    expect(wellFormedValue(input)).toEqual({
      name: 'a\uFFFD',
      tags: ['ok', '\uFFFD'],
      address: { '\uFFFD': 'x', line1: '🚚' },
      n: 3,
      on: true,
    });
    const date = new Date(0);
    expect(wellFormedValue(date)).toBe(date);
    expect(wellFormedValue(null)).toBeNull();
  });
});
