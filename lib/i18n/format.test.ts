import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatPrice, formattersFor } from './format';

// 2026-10-01 20:30 UTC is already 2 October in Bangkok: the business time zone decides the day.
const lateEvening = new Date(Date.UTC(2026, 9, 1, 20, 30));

describe('formatPrice', () => {
  it.each([
    ['en', 123450, '฿1,234.50'],
    ['th', 123450, '฿1,234.50'],
    ['en', 0, '฿0.00'],
    ['en', 5, '฿0.05'],
    ['th', 99_999_999, '฿999,999.99'],
    ['en', -2500, '-฿25.00'],
  ] as const)('%s %d satang -> %s', (locale, minor, expected) => {
    expect(formatPrice(locale, minor)).toBe(expected);
  });
});

describe('formatNumber', () => {
  it.each([
    ['en', 1234567, '1,234,567'],
    ['th', 1234567, '1,234,567'],
    ['en', 0.5, '0.5'],
  ] as const)('%s %d -> %s', (locale, value, expected) => {
    expect(formatNumber(locale, value)).toBe(expected);
  });
});

describe('dates', () => {
  it('uses the Gregorian calendar in English and the Buddhist era in Thai', () => {
    expect(formatDate('en', lateEvening)).toBe('Oct 2, 2026');
    expect(formatDate('th', lateEvening)).toBe('2 ต.ค. 2569');
  });

  it('formats date and time in Bangkok time', () => {
    expect(formatDateTime('en', lateEvening)).toBe('Oct 2, 2026, 3:30 AM');
    expect(formatDateTime('th', lateEvening)).toBe('2 ต.ค. 2569 03:30');
  });

  it('accepts ISO strings (JSON from the API)', () => {
    expect(formatDate('en', lateEvening.toISOString())).toBe('Oct 2, 2026');
  });
});

describe('formattersFor', () => {
  it('binds the locale', () => {
    const th = formattersFor('th');
    expect(th.price(1000)).toBe(formatPrice('th', 1000));
    expect(th.date(lateEvening)).toBe(formatDate('th', lateEvening));
    expect(th.number(42)).toBe('42');
  });
});
