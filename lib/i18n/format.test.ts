import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPrice,
  formatRelative,
  formatTime,
  formattersFor,
} from './format';

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

describe('formatTime', () => {
  // 08:48 UTC is 15:48 in Bangkok: the thread and the product page show the same minute whatever the browser's zone.
  const afternoon = new Date(Date.UTC(2026, 11, 5, 8, 48));
  it.each([
    ['en', '3:48 PM'],
    ['th', '15:48'],
  ] as const)('%s -> %s (Bangkok time)', (locale, expected) => {
    expect(formatTime(locale, afternoon)).toBe(expected);
    expect(formatTime(locale, afternoon.toISOString())).toBe(expected);
    expect(formatTime(locale, afternoon.getTime())).toBe(expected);
  });
});

describe('formatRelative', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0);
  it.each([
    ['en', now - 10_000, null],
    ['en', now - 3 * 60_000, '3 minutes ago'],
    ['th', now - 3 * 60_000, '3 นาทีที่ผ่านมา'],
    ['en', now - 2 * 3600_000, '2 hours ago'],
    ['en', now - 26 * 3600_000, 'yesterday'],
    ['th', now - 26 * 3600_000, 'เมื่อวาน'],
  ] as const)('%s %d -> %s', (locale, at, expected) => {
    expect(formatRelative(locale, at, now)).toBe(expected);
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
