import { describe, expect, it } from 'vitest';
import { loadPusherConfig, originAllowed, PusherApps } from './config';

describe('loadPusherConfig', () => {
  it('serves the development app only outside production', () => {
    expect(loadPusherConfig({ NODE_ENV: 'development' }).apps.map((a) => a.key)).toEqual(['app-key']);
    expect(loadPusherConfig({ NODE_ENV: 'production' }).apps).toEqual([]);
  });

  it('combines PUSHER_APP_*, PUSHER_APPS and PUSHER_APPS_FILE, the single app being the default', () => {
    const config = loadPusherConfig(
      {
        NODE_ENV: 'production',
        PUSHER_APP_ID: 'main',
        PUSHER_APP_KEY: 'main-key',
        PUSHER_APP_SECRET: 's',
        PUSHER_APPS: JSON.stringify([{ id: 'b', key: 'b-key', secret: 's', clientEvents: false }]),
        PUSHER_APPS_FILE: 'apps.json',
      },
      () =>
        JSON.stringify({
          id: 'c',
          key: 'c-key',
          secret: 's',
          webhooks: [{ url: 'https://hooks.example/p' }],
        }),
    );
    expect(config.apps.map((a) => a.id)).toEqual(['main', 'b', 'c']);
    expect(config.defaultAppId).toBe('main');
    const apps = new PusherApps(config);
    expect(apps.byKey('b-key')?.clientEvents).toBe(false);
    expect(apps.byId('c')?.webhooks[0]?.events).toContain('channel_occupied');
    expect(apps.byId('main')).toMatchObject({
      maxPresenceMembers: 100,
      maxEventPayloadBytes: 10240,
      activityTimeout: 120,
    });
  });

  it.each([
    [{ NODE_ENV: 'test', PUSHER_APP_ID: 'x' }, 'must be set together'],
    [{ NODE_ENV: 'test', PUSHER_APPS: '{oops' }, 'not valid JSON'],
    [{ NODE_ENV: 'test', PUSHER_APPS: '[{"id":"a","key":"bad key","secret":"s"}]' }, 'Invalid Pusher app'],
    [
      {
        NODE_ENV: 'test',
        PUSHER_APPS: '[{"id":"a","key":"k","secret":"s"},{"id":"b","key":"k","secret":"s"}]',
      },
      'Duplicate Pusher app key',
    ],
  ])('refuses a broken config %#', (env, message) => {
    expect(() => loadPusherConfig(env)).toThrow(message);
  });

  it('checks origins', () => {
    const [app] = loadPusherConfig({
      NODE_ENV: 'test',
      PUSHER_APPS: '[{"id":"a","key":"k","secret":"s","allowedOrigins":["https://shop.example"]}]',
    }).apps;
    expect(originAllowed(app!, 'https://shop.example')).toBe(true);
    expect(originAllowed(app!, 'https://evil.example')).toBe(false);
    expect(originAllowed(app!, undefined)).toBe(false);
    expect(originAllowed({ ...app!, allowedOrigins: [] }, undefined)).toBe(true);
  });
});
