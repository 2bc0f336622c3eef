import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { type DemoAccount, SignInForm } from '@/components/auth/sign-in-form';
import { LanguageSwitch } from '@/components/shell/language-switch';
import { getCurrentUser } from '@/lib/auth/current-user';
import { DEFAULT_AFTER_SIGN_IN, NEXT_PARAM, safeNextPath } from '@/lib/auth/next-path';
import { countUsers } from '@/lib/db/queries/people';
import { DEMO_PASSWORD, seedTenants } from '@/lib/db/seed-data';
import { showsDemoAccounts } from '@/lib/env';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT('auth');
  return { title: t('title') };
}

type SignInPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const requested = (await searchParams)[NEXT_PARAM];
  const next = safeNextPath(Array.isArray(requested) ? requested[0] : requested);
  if (await getCurrentUser()) redirect(next ?? DEFAULT_AFTER_SIGN_IN);
  const t = await getT('auth');
  const tc = await getT('common');
  // The demo accounts and their password are shown on the embedded demo only, never with DATABASE_URL.
  const services = getServices();
  const demo = showsDemoAccounts(services.env);
  // An empty production database: nobody can sign in until the first admin is created (README, ADMIN_EMAIL).
  const setupNeeded = !demo && (await countUsers(services.database.db)) === 0;
  const demoAccounts: DemoAccount[] = demo
    ? seedTenants.flatMap((tenant) =>
        tenant.users.map((user) => ({
          email: user.email,
          name: user.name,
          role: user.role,
          tenant: tenant.name,
        })),
      )
    : [];
  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <aside className="relative hidden overflow-hidden bg-slate-900 p-12 text-white lg:flex lg:flex-col lg:justify-between">
        <div className="flex items-center gap-3">
          <span
            aria-hidden
            className="flex size-10 items-center justify-center rounded-xl bg-brand-600 font-bold"
          >
            OS
          </span>
          <span className="text-lg font-semibold">{tc('appName')}</span>
        </div>
        <div className="max-w-md">
          <p className="text-3xl leading-snug font-semibold tracking-tight">{tc('tagline')}</p>
          <div aria-hidden className="mt-8 grid grid-cols-3 gap-3 opacity-80">
            {['bg-brand-500', 'bg-teal-400', 'bg-amber-400'].map((color) => (
              <div key={color} className="h-1.5 rounded-full bg-white/10">
                <div className={`h-1.5 w-2/3 rounded-full ${color}`} />
              </div>
            ))}
          </div>
        </div>
        <p className="text-xs text-slate-400">© Omni-Sales Live</p>
      </aside>
      <main className="flex min-h-screen flex-col px-4 py-6 sm:px-8">
        <div className="flex items-center justify-between lg:justify-end">
          <span className="text-base font-semibold lg:hidden">{tc('appName')}</span>
          <LanguageSwitch tone="light" />
        </div>
        <div className="mx-auto flex w-full max-w-md flex-1 flex-col justify-center py-10">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t('title')}</h1>
          <p className="mt-1 mb-8 text-sm text-slate-500">{t('subtitle')}</p>
          {setupNeeded ? (
            <p
              role="status"
              data-testid="setup-needed"
              className="mb-6 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
            >
              {t('setupNeeded')}
            </p>
          ) : null}
          <SignInForm
            demoAccounts={demoAccounts}
            demoPassword={demo ? DEMO_PASSWORD : undefined}
            next={next}
          />
        </div>
      </main>
    </div>
  );
}
