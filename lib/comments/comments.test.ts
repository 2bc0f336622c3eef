import { describe, expect, it } from 'vitest';
import { matchDirectory, mentionQueryAt, resolveMentions } from './mentions';
import { rebaseRange } from './range';
import type { DirectoryEntry } from './types';
import { threadChannel } from './types';

const anna: DirectoryEntry = { id: 'a', name: 'Anna Carter', role: 'sales' };
const napa: DirectoryEntry = { id: 'n', name: 'นภา ศรีสุข', role: 'sales' };
const victor: DirectoryEntry = { id: 'v', name: 'Victor Lee', role: 'viewer' };
const directory = [anna, napa, victor];

describe('mentions', () => {
  it.each([
    ['keeps picked people named in the body', '@Anna Carter look', ['a'], false, ['a']],
    ['drops a pick whose name was deleted from the body', 'look', ['a'], false, []],
    ['drops ids outside the tenant directory', '@Ghost hi', ['x'], false, []],
    ['drops viewers from internal threads', '@Victor Lee and @นภา ศรีสุข', ['v', 'n'], true, ['n']],
    ['keeps viewers in public threads, once', '@Victor Lee @Victor Lee', ['v', 'v'], false, ['v']],
  ])('%s', (_name, body, ids, internal, expected) => {
    expect(resolveMentions(body, ids, directory, internal).map((e) => e.id)).toEqual(expected);
  });

  it.each([
    ['hello @an', 9, { start: 6, query: 'an' }],
    ['@นภ', 3, { start: 0, query: 'นภ' }],
    ['mail me@host', 12, null],
    ['hello @an', 3, null],
    ['@a\nb', 4, null],
  ])('finds the query being typed in %j at %i', (text, caret, expected) => {
    expect(mentionQueryAt(text, caret)).toEqual(expected);
  });

  it('matches any word prefix, case-insensitively', () => {
    expect(matchDirectory(directory, 'car').map((e) => e.id)).toEqual(['a']);
    expect(matchDirectory(directory, 'ศรี').map((e) => e.id)).toEqual(['n']);
    expect(matchDirectory(directory, '')).toHaveLength(3);
  });
});

describe('comment ranges', () => {
  it.each([
    [
      'an insert before the range moves it right',
      [{ op: { type: 'text', op: ['URGENT: '] }, before: null, after: null }],
      { start: 16, end: 27 },
    ],
    [
      'an insert after the range leaves it',
      [{ op: { type: 'text', op: [30, '!'] }, before: null, after: null }],
      { start: 8, end: 19 },
    ],
    [
      'a deletion of the range collapses it',
      [{ op: { type: 'text', op: [8, { d: 11 }] }, before: null, after: null }],
      { start: 8, end: 8 },
    ],
    [
      'a whole-value change moves it by the diff',
      [{ op: { type: 'set' }, before: 'Deliver before noon.', after: 'Please deliver before noon.' }],
      { start: 15, end: 26 },
    ],
  ])('%s', (_name, changes, expected) => {
    expect(rebaseRange({ start: 8, end: 19 }, changes)).toEqual(expected);
  });
});

describe('thread channels', () => {
  it('keeps internal threads off the order room viewers read', () => {
    expect(threadChannel('o1', false)).toBe('order:o1');
    expect(threadChannel('o1', true)).toBe('internal:o1');
  });
});
