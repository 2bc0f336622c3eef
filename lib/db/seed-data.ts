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

/**
 * The catalog of a Thai wholesale supplier to shops, offices and hotels: what the product is, and how it is packed
 * and sold. Ten per category; the second tenant uses the first four of each.
 */
const catalog: Record<string, [name: string, description: string][]> = {
  Beverages: [
    ['Jasmine green tea, 50 bags', 'Chiang Rai green tea with jasmine. Box of 50 bags, 12 boxes a carton.'],
    [
      'Thai tea mix 400 g',
      'Cha Thai for iced milk tea, the orange café kind. Bag of 400 g, 24 bags a carton.',
    ],
    ['Coconut water 330 ml', 'Nam Hom coconut water, no sugar added. Can of 330 ml, 24 cans a tray.'],
    ['Doi Chaang arabica beans 1 kg', 'Medium roast whole beans from Chiang Rai hill farms. Bag of 1 kg.'],
    [
      'Lemongrass & pandan drink 250 ml',
      'Ready-to-drink herbal drink, served chilled. Bottle of 250 ml, 24 a carton.',
    ],
    [
      'Drinking water 600 ml',
      'Purified drinking water for meeting rooms and front desks. Pack of 12 bottles.',
    ],
    ['Roselle juice concentrate 1 L', 'Krachiap syrup, mix 1 to 4 with water. Bottle of 1 L, 12 a carton.'],
    [
      'Instant coffee 3-in-1, 100 sachets',
      'Coffee, creamer and sugar in one sachet for the office pantry. Bag of 100.',
    ],
    ['Soy milk UHT 250 ml', 'Original soy milk, long life. Box of 250 ml, 36 boxes a carton.'],
    ['Chrysanthemum tea 100 bags', 'Dried chrysanthemum tea for hotel rooms. Box of 100 bags.'],
  ],
  Snacks: [
    ['Durian chips 100 g', 'Crispy Monthong durian slices from Chanthaburi. Bag of 100 g, 20 a carton.'],
    ['Crispy seaweed, original 36 g', 'Roasted seaweed snack. Bag of 36 g, box of 12.'],
    ['Roasted cashew nuts 500 g', 'Salted cashews from Ranong. Jar of 500 g, 12 jars a carton.'],
    ['Mango sticky rice kit', 'Sweet sticky rice, coconut cream and dried mango for four. Box of 10 kits.'],
    ['Rice crackers with pork floss', 'Khao tang crackers in resealable tubs. Tub of 150 g, 12 a carton.'],
    ['Dried mango 200 g', 'Soft dried Nam Dok Mai mango, no preservatives. Bag of 200 g, 24 a carton.'],
    ['Banana chips 150 g', 'Kluai khai banana chips, lightly sweet. Bag of 150 g, 30 a carton.'],
    ['Cassava crackers, prawn 75 g', 'Prawn crackers for bars and minibars. Bag of 75 g, box of 24.'],
    ['Tamarind candy 180 g', 'Sweet and sour Phetchabun tamarind. Box of 180 g, 24 a carton.'],
    ['Coconut rolls 100 g', 'Thin crispy coconut rolls in a gift tin. Tin of 100 g, 12 a carton.'],
  ],
  Household: [
    [
      'Dishwashing liquid, lime 3.6 L',
      'Concentrated dish soap for kitchens and canteens. Gallon of 3.6 L, 4 a carton.',
    ],
    ['Bamboo broom', 'Soft grass broom with a bamboo handle for indoor floors. Bundle of 10.'],
    ['Laundry powder 9 kg', 'Low-suds powder for front and top loaders. Sack of 9 kg.'],
    ['Storage box 40 L with lid', 'Clear plastic box for stockrooms, stackable. Set of 6.'],
    ['Rattan basket, medium', 'Hand-woven rattan basket from Ang Thong. Set of 4.'],
    [
      'Garbage bags 30 × 40 in, black',
      'Heavy-duty bags for hotels and offices. Roll of 20, 25 rolls a carton.',
    ],
    [
      'Floor cleaner, jasmine 5.2 L',
      'Neutral floor cleaner for tiles and marble. Gallon of 5.2 L, 4 a carton.',
    ],
    ['Microfibre cloths 40 × 40 cm', 'Lint-free cloths for glass and counters. Pack of 12.'],
    ['Toilet tissue, 2-ply 24 rolls', 'Soft 2-ply rolls for staff washrooms. Pack of 24, 2 packs a bag.'],
    [
      'Mosquito coils, 10 double coils',
      'Citronella coils for terraces and warehouses. Box of 10, 60 boxes a carton.',
    ],
  ],
  Stationery: [
    ['A4 copy paper 80 g, 500 sheets', 'Double A-class copy paper. Ream of 500 sheets, 5 reams a box.'],
    ['Gel pens 0.5 mm, blue (12)', 'Quick-dry gel ink pens. Box of 12, 12 boxes a carton.'],
    ['Spiral notebook A5, 80 sheets', 'Ruled notebook with a card cover. Pack of 6.'],
    ['Stapler No. 10 with staples', 'Desk stapler with 1,000 No. 10 staples. Box of 12.'],
    ['Highlighters, 6 colours', 'Chisel-tip highlighters. Wallet of 6, 20 wallets a carton.'],
    ['Receipt book, 2-part carbonless', 'Numbered Thai/English receipt book, 50 sets. Pack of 10.'],
    ['Box file A4, 3 in', 'Lever-arch box file for invoices. Carton of 12.'],
    ['Thermal paper rolls 80 × 80 mm', 'For POS receipt printers. Box of 50 rolls.'],
    ['Whiteboard markers, 4 colours', 'Low-odour markers, refillable. Pack of 4, 12 packs a box.'],
    ['Sticky notes 3 × 3 in', 'Pastel sticky notes, 100 sheets a pad. Pack of 12 pads.'],
  ],
  Electronics: [
    ['USB-C cable 1 m, braided', 'Fast-charging USB-C to USB-C cable, 60 W. Pack of 10.'],
    ['Power bank 10,000 mAh', 'Slim power bank with USB-C PD, TISI approved. Box of 10.'],
    ['Desk fan 16 in', '3-speed desk fan with oscillation, TISI approved. Carton of 2.'],
    ['LED bulb 9 W E27, daylight', 'Energy-saving bulb, label No. 5. Pack of 10.'],
    ['Wireless mouse', 'Quiet-click wireless mouse with USB receiver. Box of 10.'],
    [
      'Extension cord 4 outlets, 3 m',
      'Power strip with switch and surge protection, TISI approved. Box of 10.',
    ],
    ['AA alkaline batteries (4)', 'Long-life batteries for remotes and scanners. Card of 4, 12 cards a box.'],
    ['Rice cooker 1.8 L', 'Non-stick pot with keep-warm for staff kitchens. Carton of 4.'],
    ['Electric kettle 1.7 L', 'Stainless steel kettle with auto shut-off for hotel rooms. Carton of 6.'],
    ['Barcode scanner, USB', 'Handheld 1D/2D scanner for shop counters. Box of 5.'],
  ],
  'Personal care': [
    ['Herbal balm 50 g', 'Green balm with plai and camphor. Jar of 50 g, 12 jars a box.'],
    ['Sunscreen SPF50 PA+++ 50 ml', 'Light sunscreen for face and body. Tube of 50 ml, 12 a box.'],
    ['Tamarind body scrub 250 g', 'Spa scrub with tamarind and honey. Jar of 250 g, 12 a carton.'],
    ['Shampoo 30 ml, hotel size', 'Lemongrass shampoo in hotel bottles. Case of 200.'],
    ['Toothpaste, herbal 160 g', 'Herbal toothpaste with clove and salt. Tube of 160 g, 6 a pack.'],
    ['Hand soap, jasmine 500 ml', 'Pump bottle for washrooms. Bottle of 500 ml, 12 a carton.'],
    ['Hand sanitiser gel 450 ml', '70% alcohol gel with pump for counters. Bottle of 450 ml, 12 a carton.'],
    ['Cotton buds (200)', 'Paper-stick cotton buds. Tub of 200, 24 tubs a carton.'],
    ['Face masks, 3-ply (50)', 'Disposable surgical-style masks. Box of 50, 40 boxes a carton.'],
    ['Inhaler, peppermint', 'Ya dom herbal inhaler. Pack of 6, 24 packs a box.'],
  ],
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
    const items = catalog[category]!;
    const [base, description] = items[Math.floor(i / categories.length) % items.length]!;
    const series = Math.floor(i / (categories.length * items.length)) + 1;
    // Two draws per product, stock then price, in this order: tests rely on the seeded quantities.
    const stock = i % 9 === 0 ? Math.floor(random() * 8) : 20 + Math.floor(random() * 280);
    out.push({
      sku: `${prefix}-${String(1001 + i)}`,
      name: series > 1 ? `${base} (${series})` : base,
      category,
      description,
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
