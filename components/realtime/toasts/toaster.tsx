'use client';

import { createContext, type ReactNode, useContext, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Avatar } from '@/components/collab/avatar';
import { createToastStore, type Toast, type ToastStore } from './toast-store';

const ToastContext = createContext<ToastStore | null>(null);

/** Holds the toasts of the page; render <Toaster /> once inside it. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts] = useState(() => createToastStore());
  return <ToastContext.Provider value={toasts}>{children}</ToastContext.Provider>;
}

/** push(toast) / dismiss(id) / clear(); a no-op outside a ToastProvider (toasts are a nicety, never a crash). */
export function useToast(): Pick<ToastStore, 'push' | 'dismiss' | 'clear'> {
  const context = useContext(ToastContext);
  return context ?? fallback;
}

const fallback: Pick<ToastStore, 'push' | 'dismiss' | 'clear'> = {
  push: () => '',
  dismiss: () => {},
  clear: () => {},
};

const toneStyles: Record<Toast['tone'], string> = {
  info: 'border-slate-200',
  success: 'border-emerald-300',
  warning: 'border-amber-300',
  error: 'border-rose-300',
};

/**
 * The toast stack: a polite live region at the top right, under the top bar, each toast dismissible. Never at the
 * bottom, where the message composer, the Send button and form buttons are (on a phone too).
 */
export function Toaster() {
  const context = useContext(ToastContext);
  if (!context) return null;
  return <ToastList toasts={context} />;
}

function ToastList({ toasts }: { toasts: ToastStore }) {
  const { t } = useTranslation('realtime');
  const list = useStore(toasts.store, (s) => s.toasts);
  return (
    <section
      aria-label={t('toasts.region')}
      aria-live="polite"
      className="pointer-events-none fixed top-16 right-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
    >
      {list.map((toast) => (
        <div
          key={toast.id}
          role={toast.tone === 'error' ? 'alert' : 'status'}
          className={`pointer-events-auto flex items-start gap-3 rounded-lg border bg-white p-3 text-sm shadow-lg ${toneStyles[toast.tone]}`}
        >
          {toast.actor && <Avatar userId={toast.actor.id} name={toast.actor.name} decorative />}
          <div className="min-w-0 flex-1">
            <p className="font-medium text-slate-900">{toast.title}</p>
            {toast.description && <p className="mt-0.5 text-slate-600">{toast.description}</p>}
            {toast.link && (
              <a
                href={toast.link.href}
                className="mt-1 inline-block font-medium text-brand-600 underline underline-offset-2 hover:no-underline"
              >
                {toast.link.label}
              </a>
            )}
          </div>
          <button
            type="button"
            onClick={() => toasts.dismiss(toast.id)}
            aria-label={t('toasts.dismiss')}
            className="-m-1 rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-4 fill-current">
              <path d="M5.3 5.3a1 1 0 0 1 1.4 0L10 8.6l3.3-3.3a1 1 0 1 1 1.4 1.4L11.4 10l3.3 3.3a1 1 0 0 1-1.4 1.4L10 11.4l-3.3 3.3a1 1 0 0 1-1.4-1.4L8.6 10 5.3 6.7a1 1 0 0 1 0-1.4Z" />
            </svg>
          </button>
        </div>
      ))}
    </section>
  );
}
