import type { ReactNode } from 'react';

export function EmptyState({
  title,
  body,
  action,
}: {
  title: ReactNode;
  body?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-14 text-center">
      <div
        aria-hidden
        className="mb-1 flex size-10 items-center justify-center rounded-full bg-slate-100 text-slate-500"
      >
        ∅
      </div>
      <p className="font-medium text-slate-800">{title}</p>
      {body ? <p className="max-w-sm text-sm text-slate-500">{body}</p> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}
