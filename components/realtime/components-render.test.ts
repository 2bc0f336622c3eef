import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '@/lib/i18n/create-instance';
import { closeCodes } from '@/lib/realtime/protocol/codes';
import type { Member } from '@/lib/realtime/protocol/messages';
import { ConnectionBadge } from './connection-badge';
import { PresenceAvatars } from './presence-avatars';
import { countOnPage, ViewerLabel } from './viewer-count';

function render(element: ReactElement, locale: 'en' | 'th' = 'en'): string {
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(locale) }, element));
}

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function member(userId: string, name: string, extra: Partial<Member> = {}): Member {
  return { userId, name, role: 'sales', status: 'online', connections: 1, updatedAt: 1, ...extra };
}

const people = [
  member('u1', 'Anna Carter', { location: { page: '/orders/1', section: 'lines' }, activity: 'typing' }),
  member('u2', 'นภา ศรีสุข', { status: 'away' }),
  member('u3', 'Ken Tanaka', { status: 'busy', connections: 3 }),
  member('u4', 'Olivia Brown'),
  member('u5', 'Victor Lee'),
  member('u6', 'Somchai Jaidee'),
];

describe('PresenceAvatars', () => {
  it('shows initials, puts the current user first, and collapses the rest into +N', () => {
    const html = render(
      createElement(PresenceAvatars, { members: people, currentUserId: 'u4', maxDisplay: 4 }),
    );
    const labels = [...html.matchAll(/aria-label="([^"]+)"/g)].map((m) => m[1]);
    expect(labels[0]).toBe('People here');
    expect(labels[1]).toMatch(/^Olivia Brown \(you\), Online/);
    expect(labels[2]).toBe('Anna Carter, Online, in lines, typing');
    expect(labels[3]).toBe('นภา ศรีสุข, Away');
    expect(labels[4]).toBe('3 more: Ken Tanaka, Victor Lee, Somchai Jaidee');
    expect(text(html)).toContain('+3');
    expect(html).toContain('>AC<');
  });

  it('shows everyone when they fit, with tab counts, in Thai', () => {
    const html = render(createElement(PresenceAvatars, { members: people.slice(0, 3), compact: true }), 'th');
    expect(html).not.toContain('+');
    expect(html).toContain('Ken Tanaka, ไม่ว่าง, เปิดอยู่ 3 แท็บ');
    expect(html).toContain('ผู้ที่อยู่ที่นี่');
  });
});

describe('ConnectionBadge', () => {
  it.each([
    [{ status: 'open', connectionId: 'c', nodeId: 'n', openedAt: 0 }, 42.4, 0, 'Live Good signal'],
    [{ status: 'open', connectionId: 'c', nodeId: 'n', openedAt: 0 }, 560, 0, 'Live Slow signal'],
    [{ status: 'open', connectionId: 'c', nodeId: 'n', openedAt: 0 }, null, 0, 'Live'],
    [{ status: 'connecting', attempt: 0 }, null, 0, 'Connecting…'],
    [
      { status: 'reconnecting', attempt: 2, nextAttemptAt: 4200 },
      null,
      0,
      'Reconnecting in 5 s Reconnect now',
    ],
    [{ status: 'offline' }, null, 3, 'Offline 3 queued'],
    [{ status: 'closed', reason: { kind: 'server', code: 4013 } }, null, 0, 'Disconnected Reconnect now'],
  ] as const)('%j', (state, latency, queued, expected) => {
    const html = render(
      createElement(ConnectionBadge, { state, latency, queued, now: 0, onRetry: () => {} }),
    );
    expect(text(html)).toBe(expected);
    expect(html).toContain(`data-status="${state.status}"`);
  });

  it('explains a final close code in the title, in Thai', () => {
    const html = render(
      createElement(ConnectionBadge, {
        state: { status: 'closed', reason: { kind: 'server', code: 4014 } },
        latency: null,
        queued: 0,
        now: 0,
      }),
      'th',
    );
    expect(html).toContain('เซสชันของคุณหมดอายุแล้ว');
  });

  it.each([
    [
      'en',
      closeCodes.unauthorized,
      false,
      'Session ended Sign in again',
      'Session ended · Your session has ended. Please sign in again.',
    ],
    [
      'th',
      closeCodes.sessionExpired,
      true,
      'เซสชันสิ้นสุดแล้ว เข้าสู่ระบบอีกครั้ง',
      'เซสชันสิ้นสุดแล้ว · เซสชันของคุณหมดอายุแล้ว โปรดเข้าสู่ระบบอีกครั้ง',
    ],
  ] as const)(
    'an ended session (%s, %j) links to sign-in instead of reconnecting',
    (locale, entry, expired, shown, title) => {
      const html = render(
        createElement(ConnectionBadge, {
          state: { status: 'closed', reason: { kind: 'session-ended', code: entry.code, entry, expired } },
          latency: null,
          queued: 0,
          now: 0,
          onRetry: () => {},
          signInHref: '/sign-in?next=%2Forders%2F42',
        }),
        locale,
      );
      expect(text(html)).toBe(shown);
      expect(html).toContain('href="/sign-in?next=%2Forders%2F42"');
      expect(html).toContain(`title="${title}"`);
    },
  );
});

describe('ViewerLabel', () => {
  it.each([
    [0, false, ''],
    [1, true, 'Only you are viewing'],
    [1, false, '1 person viewing'],
    [7, true, '7 people viewing'],
  ])('%i viewers (self included: %s) -> %j', (count, selfIncluded, expected) => {
    expect(text(render(createElement(ViewerLabel, { count, selfIncluded })))).toBe(expected);
  });

  it('counts people on a page from tenant presence', () => {
    expect(countOnPage(people, '/orders/1')).toBe(1);
    expect(countOnPage(people, '/orders/2')).toBe(0);
  });

  it('counts a person with the page open in any tab, not only the one they used last', () => {
    const [first] = people;
    const twoTabs = { ...first!, location: { page: '/orders/9' }, pages: ['/orders/9', '/products/7'] };
    expect(countOnPage([twoTabs], '/products/7')).toBe(1);
    expect(countOnPage([twoTabs], '/orders/9')).toBe(1);
    expect(countOnPage([{ ...twoTabs, pages: [] }], '/orders/9')).toBe(0);
  });
});
