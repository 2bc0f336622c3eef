import { describe, expect, it } from 'vitest';
import { initials } from './initials';

describe('initials', () => {
  it.each([
    ['Anna Carter', 'AC'],
    ['Victor  Lee', 'VL'],
    ['Madonna', 'M'],
    ['Mary Ann van Dyke', 'MD'],
    ['สมชาย ใจดี', 'ส'],
    ['นภา ศรีสุข', 'น'],
    ['ไพโรจน์ ดี', 'พ'],
    ['', ''],
  ])('%s -> %s', (name, expected) => {
    expect(initials(name)).toBe(expected);
  });
});
