import type { OrderStatus, Role, ShippingAddress } from './schema';

/** Everyone in the demo signs in with this password; the sign-in page shows it. */
export const DEMO_PASSWORD = 'demo1234';

type SeedUser = { email: string; name: string; role: Role; locale: 'en' | 'th' };
type SeedTenant = { slug: string; name: string; users: SeedUser[]; products: number; orders: number };

export const seedTenants: SeedTenant[] = [
  {
    slug: 'siam-supply',
    name: 'Siam Supply Co.',
    products: 60,
    orders: 28,
    users: [
      { email: 'admin@siam.example', name: 'สมชาย ใจดี', role: 'admin', locale: 'th' },
      { email: 'anna@siam.example', name: 'Anna Carter', role: 'sales', locale: 'en' },
      { email: 'napa@siam.example', name: 'นภา ศรีสุข', role: 'sales', locale: 'th' },
      { email: 'viewer@siam.example', name: 'Victor Lee', role: 'viewer', locale: 'en' },
    ],
  },
  {
    slug: 'northwind',
    name: 'Northwind Traders',
    products: 24,
    orders: 10,
    users: [
      { email: 'olivia@northwind.example', name: 'Olivia Brown', role: 'admin', locale: 'en' },
      { email: 'ken@northwind.example', name: 'Ken Tanaka', role: 'sales', locale: 'en' },
    ],
  },
];

const categories = ['Beverages', 'Snacks', 'Household', 'Stationery', 'Electronics', 'Personal care'];
const productNames: Record<string, string[]> = {
  Beverages: ['Jasmine green tea', 'Thai iced tea mix', 'Coconut water', 'Arabica beans', 'Lemongrass drink'],
  Snacks: ['Durian chips', 'Seaweed crisps', 'Cashew nuts', 'Mango sticky rice kit', 'Rice crackers'],
  Household: ['Dish soap', 'Bamboo broom', 'Laundry powder', 'Storage box', 'Rattan basket'],
  Stationery: ['A4 paper ream', 'Gel pens (12)', 'Spiral notebook', 'Stapler', 'Highlighters (6)'],
  Electronics: ['USB-C cable', 'Power bank', 'Desk fan', 'LED bulb', 'Wireless mouse'],
  'Personal care': ['Herbal balm', 'Sunscreen SPF50', 'Tamarind scrub', 'Shampoo', 'Toothpaste'],
};

export type SeedProduct = {
  sku: string;
  name: string;
  category: string;
  description: string;
  priceMinor: number;
  stock: number;
  lowStockThreshold: number;
};

/** Deterministic pseudo-random numbers, so every fresh database looks the same. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeProducts(count: number, prefix: string, random: () => number): SeedProduct[] {
  const out: SeedProduct[] = [];
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length]!;
    const names = productNames[category]!;
    const base = names[Math.floor(i / categories.length) % names.length]!;
    const series = Math.floor(i / (categories.length * names.length)) + 1;
    const stock = i % 9 === 0 ? Math.floor(random() * 8) : 20 + Math.floor(random() * 280);
    out.push({
      sku: `${prefix}-${String(1001 + i)}`,
      name: series > 1 ? `${base} ${series}` : base,
      category,
      description: `${base} — ${category.toLowerCase()}, pack ${1 + (i % 4)}`,
      priceMinor: (20 + Math.floor(random() * 1980)) * 100 + (i % 2 === 0 ? 0 : 50),
      stock,
      lowStockThreshold: 10,
    });
  }
  return out;
}

export const seedCustomers: {
  name: string;
  company: string;
  email: string;
  phone: string;
  address: ShippingAddress;
}[] = [
  {
    name: 'Kittipong Rattanakul',
    company: 'Chiang Mai Mart',
    email: 'kittipong@cmmart.example',
    phone: '+66 53 111 222',
    address: {
      line1: '12 Nimman Rd',
      line2: 'Suthep',
      city: 'Chiang Mai',
      postalCode: '50200',
      country: 'TH',
    },
  },
  {
    name: 'ศิริพร วงศ์ใหญ่',
    company: 'ร้านศิริพรค้าส่ง',
    email: 'siriporn@wholesale.example',
    phone: '+66 2 555 0101',
    address: { line1: '88 ถนนสุขุมวิท', line2: 'คลองเตย', city: 'กรุงเทพฯ', postalCode: '10110', country: 'TH' },
  },
  {
    name: 'James Whitfield',
    company: 'Phuket Resort Supplies',
    email: 'james@phuketresort.example',
    phone: '+66 76 222 333',
    address: { line1: '3 Patong Beach Rd', line2: '', city: 'Phuket', postalCode: '83150', country: 'TH' },
  },
  {
    name: 'Mei Lin',
    company: 'Lin Trading',
    email: 'mei@lintrading.example',
    phone: '+65 6123 4567',
    address: {
      line1: '20 Cecil St',
      line2: '#10-01',
      city: 'Singapore',
      postalCode: '049705',
      country: 'SG',
    },
  },
  {
    name: 'ประเสริฐ มั่นคง',
    company: 'โคราชพาณิชย์',
    email: 'prasert@korat.example',
    phone: '+66 44 333 444',
    address: {
      line1: '45 ถนนมิตรภาพ',
      line2: 'ในเมือง',
      city: 'นครราชสีมา',
      postalCode: '30000',
      country: 'TH',
    },
  },
  {
    name: 'Sarah Nguyen',
    company: 'Saigon Goods',
    email: 'sarah@saigongoods.example',
    phone: '+84 28 3822 0000',
    address: {
      line1: '7 Le Loi',
      line2: 'District 1',
      city: 'Ho Chi Minh City',
      postalCode: '700000',
      country: 'VN',
    },
  },
];

export const seedStatuses: OrderStatus[] = [
  'draft',
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
];

export const seedNotes = [
  'Deliver before noon; call the warehouse on arrival.',
  'ลูกค้าขอใบกำกับภาษีเต็มรูป',
  'Gift wrap the stationery items.',
  '',
  'Customer prefers invoices by email.',
  'ส่งของที่ประตูหลัง',
];
