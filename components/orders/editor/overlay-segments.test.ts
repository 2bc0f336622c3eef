import { describe, expect, it } from 'vitest';
import { overlaySegments } from './overlay-segments';

describe('overlaySegments', () => {
  it('marks commented ranges and places carets at their positions', () => {
    const segments = overlaySegments(
      'Deliver before noon',
      [{ id: 't1', start: 8, end: 14 }],
      [{ userId: 'u1', name: 'Anna', start: 19, end: 19 }],
    );
    expect(segments).toEqual([
      { kind: 'text', text: 'Deliver ', threadIds: [], selectedBy: [] },
      { kind: 'text', text: 'before', threadIds: ['t1'], selectedBy: [] },
      { kind: 'text', text: ' noon', threadIds: [], selectedBy: [] },
      { kind: 'caret', userId: 'u1', name: 'Anna' },
    ]);
  });

  it('clamps positions past the end and shows a remote selection', () => {
    const segments = overlaySegments('abc', [], [{ userId: 'u2', name: 'Napa', start: 1, end: 99 }]);
    expect(segments).toEqual([
      { kind: 'text', text: 'a', threadIds: [], selectedBy: [] },
      { kind: 'text', text: 'bc', threadIds: [], selectedBy: ['u2'] },
      { kind: 'caret', userId: 'u2', name: 'Napa' },
    ]);
  });
});
