import { describe, expect, it } from 'vitest';
import { channelType, isValidChannelName } from './channels';
import { parseFrame } from './protocol';

describe('channel names and types', () => {
  it.each([
    ['news', true, 'public'],
    ['private-orders.1', true, 'private'],
    ['presence-room_1=@,.;-', true, 'presence'],
    ['private-encrypted-x', true, 'encrypted'],
    ['#server-to-user-42', true, 'user'],
    ['has space', false, 'public'],
    ['ünïcode', false, 'public'],
    ['', false, 'public'],
    ['x'.repeat(201), false, 'public'],
    ['#other', false, 'public'],
  ])('%s: valid %s, type %s', (name, valid, type) => {
    expect(isValidChannelName(name)).toBe(valid);
    expect(channelType(name)).toBe(type);
  });
});

describe('parseFrame', () => {
  it.each([
    ['{"event":"pusher:ping","data":{}}', { ok: true, message: { event: 'pusher:ping', data: {} } }],
    [
      '{"event":"pusher:subscribe","data":{"channel":"private-a","auth":"k:s"}}',
      { ok: true, message: { event: 'pusher:subscribe', data: { channel: 'private-a', auth: 'k:s' } } },
    ],
    [
      // Older clients send data as a JSON string.
      '{"event":"pusher:unsubscribe","data":"{\\"channel\\":\\"a\\"}"}',
      { ok: true, message: { event: 'pusher:unsubscribe', data: { channel: 'a' } } },
    ],
    [
      '{"event":"client-typing","channel":"private-a","data":{"x":1}}',
      { ok: true, message: { event: 'client', name: 'client-typing', channel: 'private-a', data: { x: 1 } } },
    ],
    ['{not json', { ok: false, reason: 'Invalid JSON' }],
    ['[1,2]', { ok: false, reason: 'Message must be an object with an event name' }],
    ['{"event":"pusher:subscribe","data":{}}', { ok: false, reason: 'Invalid data for pusher:subscribe' }],
    ['{"event":"pusher:nope"}', { ok: false, reason: 'Unsupported event pusher:nope' }],
    ['{"event":"client-x","data":{}}', { ok: false, reason: expect.stringContaining('channel') }],
  ])('%s', (text, expected) => {
    expect(parseFrame(text)).toEqual(expected);
  });
});
