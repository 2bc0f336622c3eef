import enAdmin from '../../public/locales/en/admin.json';
import enAdminStats from '../../public/locales/en/admin-stats.json';
import enAuth from '../../public/locales/en/auth.json';
import enCatalog from '../../public/locales/en/catalog.json';
import enCollab from '../../public/locales/en/collab.json';
import enCommon from '../../public/locales/en/common.json';
import enDashboard from '../../public/locales/en/dashboard.json';
import enLive from '../../public/locales/en/live.json';
import enMessages from '../../public/locales/en/messages.json';
import enOrders from '../../public/locales/en/orders.json';
import enProducts from '../../public/locales/en/products.json';
import enRealtime from '../../public/locales/en/realtime.json';
import thAdmin from '../../public/locales/th/admin.json';
import thAdminStats from '../../public/locales/th/admin-stats.json';
import thAuth from '../../public/locales/th/auth.json';
import thCatalog from '../../public/locales/th/catalog.json';
import thCollab from '../../public/locales/th/collab.json';
import thCommon from '../../public/locales/th/common.json';
import thDashboard from '../../public/locales/th/dashboard.json';
import thLive from '../../public/locales/th/live.json';
import thMessages from '../../public/locales/th/messages.json';
import thOrders from '../../public/locales/th/orders.json';
import thProducts from '../../public/locales/th/products.json';
import thRealtime from '../../public/locales/th/realtime.json';
import type { Locale } from './config';

/**
 * Every namespace, imported statically so the server renders with it and the client bundle has it before the
 * first paint (no loading flash). A new namespace: add its en and th imports here; lib/i18n/locales.test.ts fails
 * until every file in public/locales/en is registered and has a Thai twin with the same keys.
 */
export const englishResources = {
  common: enCommon,
  auth: enAuth,
  dashboard: enDashboard,
  orders: enOrders,
  products: enProducts,
  admin: enAdmin,
  'admin-stats': enAdminStats,
  messages: enMessages,
  realtime: enRealtime,
  collab: enCollab,
  catalog: enCatalog,
  live: enLive,
};

export type Namespace = keyof typeof englishResources;
type Resources = Record<Namespace, Record<string, unknown>>;

export const resources: Record<Locale, Resources> = {
  en: englishResources,
  th: {
    common: thCommon,
    auth: thAuth,
    dashboard: thDashboard,
    orders: thOrders,
    products: thProducts,
    admin: thAdmin,
    'admin-stats': thAdminStats,
    messages: thMessages,
    realtime: thRealtime,
    collab: thCollab,
    catalog: thCatalog,
    live: thLive,
  },
};

export const namespaces = Object.keys(englishResources) as Namespace[];
export const defaultNamespace: Namespace = 'common';
