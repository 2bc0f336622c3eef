import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import {
  ConnectionStatus,
  PresenceIndicator,
  RealtimeNotices,
  Toaster,
  ToastProvider,
  ViewerCount,
} from '@/components/realtime';
import { RealtimeProvider, useRoomPresence, useWebSocket } from '@/lib/hooks';
import { createI18n } from '@/lib/i18n/create-instance';

/**
 * A bare page mounting the realtime provider, hooks and components exactly as the app will, for browser tests that
 * must not depend on where the shell puts them. Bundled by the spec and injected into a signed-in page.
 */
declare global {
  interface Window {
    harness: { room: string; product: string; name: string };
  }
}

function Room() {
  const { room } = window.harness;
  const [section, setSection] = useState('summary');
  const presence = useRoomPresence(room, { page: '/orders/harness', section });
  const go = (next: string) => {
    setSection(next);
    presence.setLocation({ page: '/orders/harness', section: next });
  };
  return (
    <section data-testid="room">
      <button type="button" onClick={() => go('lines')}>
        to lines
      </button>
      <button type="button" onClick={() => presence.setStatus('busy')}>
        busy
      </button>
      <span data-testid="room-count">{presence.activeUsers.length}</span>
      <PresenceIndicator channel={room} maxDisplay={3} />
    </section>
  );
}

function Status() {
  const { queuedMessages, status, publish } = useWebSocket();
  return (
    <div data-testid="status" data-status={status} data-queued={queuedMessages}>
      <ConnectionStatus />
      <button
        type="button"
        onClick={() => void publish(window.harness.room, 'note', { at: Date.now() }).catch(() => {})}
      >
        write
      </button>
    </div>
  );
}

function App() {
  return (
    <I18nextProvider i18n={createI18n('en')}>
      <RealtimeProvider user={{ id: 'pending', name: window.harness.name, role: 'sales' }} url="/ws">
        <ToastProvider>
          <Status />
          <div data-testid="tenant">
            <PresenceIndicator />
          </div>
          <Room />
          <div data-testid="viewers">
            <ViewerCount channel={window.harness.product} />
          </div>
          <div data-testid="page-viewers">
            <ViewerCount page={window.location.pathname} />
          </div>
          <RealtimeNotices />
          <Toaster />
        </ToastProvider>
      </RealtimeProvider>
    </I18nextProvider>
  );
}

const host = document.createElement('div');
host.id = 'harness';
document.body.replaceChildren(host);
createRoot(host).render(<App />);
