import Link from 'next/link';
import type { ReactNode } from 'react';

/** A calm full-width notice (not found, not allowed) with a way back. */
export function NoticePage({
  code,
  title,
  body,
  backHref,
  backLabel,
  testId,
}: {
  code: string;
  title: ReactNode;
  body: ReactNode;
  backHref: string;
  backLabel: ReactNode;
  testId?: string;
}) {
  return (
    <div className="flex min-h-[50vh] items-center justify-center px-4 py-16" data-testid={testId}>
      <div className="max-w-md text-center">
        <p className="tabular text-sm font-semibold text-brand-600">{code}</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        <p className="mt-3 text-slate-600">{body}</p>
        <Link href={backHref} className="btn-primary mt-6">
          {backLabel}
        </Link>
      </div>
    </div>
  );
}
