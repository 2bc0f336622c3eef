import type { Db } from './create-db';
import { directKeyOf } from './queries/conversations';
import {
  activityEvents,
  conversationParticipants,
  conversations,
  customers,
  messageReceipts,
  messages,
  type OrderStatus,
  type conversationParticipants as ParticipantsTable,
  type ShippingAddress,
} from './schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Person = { id: string; email: string; name: string; role: string };
type SeededOrder = {
  id: string;
  number: string;
  status: OrderStatus;
  createdBy: string | null;
  createdAt: Date;
};
type SeededProduct = { id: string; name: string; priceMinor: number };

const HOUR = 3600_000;

/** Customers the sales team added later on (not on the seeded orders, so each order keeps its customer). */
const laterCustomers: {
  name: string;
  company: string;
  email: string;
  phone: string;
  address: ShippingAddress;
}[] = [
  {
    name: 'วิภาวรรณ ทองดี',
    company: 'โรงแรมริมน้ำ อยุธยา',
    email: 'wipawan@rimnamhotel.example',
    phone: '+66 35 241 555',
    address: {
      line1: '9/1 ถนนอู่ทอง',
      line2: 'ประตูชัย',
      city: 'พระนครศรีอยุธยา',
      postalCode: '13000',
      country: 'TH',
    },
  },
  {
    name: 'Thanakorn Srisawat',
    company: 'Hua Hin Office Mart',
    email: 'thanakorn@hhofficemart.example',
    phone: '+66 32 512 808',
    address: {
      line1: '77 Phetkasem Rd',
      line2: 'Hua Hin',
      city: 'Prachuap Khiri Khan',
      postalCode: '77110',
      country: 'TH',
    },
  },
  {
    name: 'สุรชัย แก้วมณี',
    company: 'ขอนแก่นซัพพลาย',
    email: 'surachai@kksupply.example',
    phone: '+66 43 224 190',
    address: { line1: '120 ถนนศรีจันทร์', line2: 'ในเมือง', city: 'ขอนแก่น', postalCode: '40000', country: 'TH' },
  },
];

type Line = { from: string; body: string; hoursAgo: number };
type Thread = { name: string | null; members: string[]; lines: Line[] };

/** Conversations between the demo people, so Messages opens with history for everyone (emails name the people). */
function threadsFor(orders: SeededOrder[]): Thread[] {
  const order = (i: number) => orders[i % orders.length]!.number;
  return [
    {
      name: 'ทีมขาย Siam Supply',
      members: ['admin@siam.example', 'anna@siam.example', 'napa@siam.example', 'viewer@siam.example'],
      lines: [
        {
          from: 'admin@siam.example',
          body: 'สวัสดีทุกคน สัปดาห์นี้เป้าคือปิดออเดอร์โรงแรมฝั่งภูเก็ตให้ได้ก่อนวันศุกร์นะครับ',
          hoursAgo: 50,
        },
        {
          from: 'anna@siam.example',
          body: 'Phuket Resort Supplies asked for a quote on hotel-size shampoo and kettles. I will send it today.',
          hoursAgo: 49,
        },
        {
          from: 'napa@siam.example',
          body: 'รับทราบค่ะ ทางโคราชพาณิชย์ขอเพิ่มกระดาษ A4 อีก 20 รีม นภาจะอัปเดตในออเดอร์ให้ค่ะ',
          hoursAgo: 48,
        },
        {
          from: 'viewer@siam.example',
          body: 'Stock check: thermal paper rolls are below 10 boxes, reorder is on the way.',
          hoursAgo: 26,
        },
        {
          from: 'admin@siam.example',
          body: 'ขอบคุณครับ ใครรับออเดอร์ใหม่ช่วยเช็กสต็อกก่อนยืนยันด้วยนะครับ 🙏',
          hoursAgo: 25,
        },
      ],
    },
    {
      name: null,
      members: ['anna@siam.example', 'admin@siam.example'],
      lines: [
        {
          from: 'anna@siam.example',
          body: `Could you approve the discount on ${order(4)}? The customer orders every month.`,
          hoursAgo: 30,
        },
        {
          from: 'admin@siam.example',
          body: 'Approved, 5% is fine. Please note it in the order notes.',
          hoursAgo: 29,
        },
        { from: 'anna@siam.example', body: 'Done, thank you!', hoursAgo: 29 },
      ],
    },
    {
      name: null,
      members: ['napa@siam.example', 'admin@siam.example'],
      lines: [
        {
          from: 'napa@siam.example',
          body: `พี่สมชายคะ ออเดอร์ ${order(7)} ลูกค้าขอเลื่อนส่งเป็นวันจันทร์ได้ไหมคะ`,
          hoursAgo: 6,
        },
        {
          from: 'admin@siam.example',
          body: 'ได้ครับ แจ้งคลังสินค้าด้วยนะครับ แล้วเปลี่ยนในบันทึกออเดอร์ให้ด้วย',
          hoursAgo: 5,
        },
        { from: 'napa@siam.example', body: 'เรียบร้อยค่ะ ขอบคุณค่ะ', hoursAgo: 5 },
      ],
    },
    {
      name: null,
      members: ['olivia@northwind.example', 'ken@northwind.example'],
      lines: [
        {
          from: 'ken@northwind.example',
          body: `The customer on ${order(2)} wants delivery before noon. Can we do that?`,
          hoursAgo: 20,
        },
        {
          from: 'olivia@northwind.example',
          body: 'Yes, put it on the morning truck and add a note for the driver.',
          hoursAgo: 19,
        },
      ],
    },
  ];
}

/**
 * What makes the demo look lived in: customers added later, conversations between the demo people (all read), and
 * a history of activity (orders created, prices and statuses changed, customers added) for the dashboard's feed.
 * Uses no random numbers, so the seeded products and orders stay exactly as before.
 */
export async function seedStory(
  tx: Tx,
  input: {
    tenantId: string;
    people: Person[];
    orders: SeededOrder[];
    products: SeededProduct[];
    addCustomers: boolean;
    now: Date;
  },
): Promise<void> {
  const { tenantId, people, orders, products, now } = input;
  const byEmail = new Map(people.map((p) => [p.email, p]));
  const byId = new Map(people.map((p) => [p.id, p]));
  const at = (hoursAgo: number, minute = 0) => new Date(now.getTime() - hoursAgo * HOUR + minute * 60_000);

  const added = input.addCustomers
    ? await tx
        .insert(customers)
        .values(laterCustomers.map((c, i) => ({ ...c, tenantId, createdAt: at(72 - i * 20) })))
        .returning()
    : [];

  for (const thread of threadsFor(orders)) {
    const members = thread.members.flatMap((email) => byEmail.get(email) ?? []);
    if (members.length !== thread.members.length || thread.lines.length === 0) continue;
    const first = at(thread.lines[0]!.hoursAgo);
    const last = at(thread.lines.at(-1)!.hoursAgo, thread.lines.length);
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId,
        kind: thread.name ? 'group' : 'direct',
        name: thread.name,
        createdBy: members[0]!.id,
        directKey: thread.name ? null : directKeyOf(members[0]!.id, members[1]!.id),
        createdAt: first,
        lastMessageAt: last,
      })
      .returning();
    if (!conversation) throw new Error('conversation insert returned nothing');
    const participants: (typeof ParticipantsTable.$inferInsert)[] = members.map((m) => ({
      conversationId: conversation.id,
      userId: m.id,
      tenantId,
      joinedAt: first,
      lastReadAt: last,
    }));
    await tx.insert(conversationParticipants).values(participants);
    for (const [index, line] of thread.lines.entries()) {
      const author = byEmail.get(line.from)!;
      const sent = at(line.hoursAgo, index);
      const [message] = await tx
        .insert(messages)
        .values({
          tenantId,
          conversationId: conversation.id,
          authorId: author.id,
          body: line.body,
          createdAt: sent,
        })
        .returning();
      if (!message) throw new Error('message insert returned nothing');
      const read = new Date(sent.getTime() + 4 * 60_000);
      const recipients = members.filter((m) => m.id !== author.id);
      if (recipients.length > 0)
        await tx.insert(messageReceipts).values(
          recipients.map((m) => ({
            messageId: message.id,
            userId: m.id,
            conversationId: conversation.id,
            tenantId,
            deliveredAt: sent,
            readAt: read,
          })),
        );
    }
  }

  // The feed's history: who created which order, price changes, status moves by the admin, new customers.
  const admin =
    people.find((p) => p.email.startsWith('admin@') || p.email.startsWith('olivia@')) ?? people[0]!;
  const events: (typeof activityEvents.$inferInsert)[] = [];
  for (const order of orders.slice(-8)) {
    const creator = (order.createdBy && byId.get(order.createdBy)) || admin;
    events.push({
      tenantId,
      actorId: creator.id,
      actorName: creator.name,
      action: 'created',
      entityType: 'order',
      entityId: order.id,
      entityLabel: order.number,
      createdAt: order.createdAt,
    });
  }
  for (const [i, product] of products.slice(0, 3).entries()) {
    const before = product.priceMinor + 2000 + i * 500;
    events.push({
      tenantId,
      actorId: admin.id,
      actorName: admin.name,
      action: 'updated',
      entityType: 'product',
      entityId: product.id,
      entityLabel: product.name,
      changes: { priceMinor: { before, after: product.priceMinor } },
      createdAt: at(40 - i * 7),
    });
  }
  for (const order of orders.filter((o) => o.status === 'shipped').slice(-2)) {
    events.push({
      tenantId,
      actorId: admin.id,
      actorName: admin.name,
      action: 'updated',
      entityType: 'order',
      entityId: order.id,
      entityLabel: order.number,
      changes: { status: { before: 'confirmed', after: 'shipped' } },
      createdAt: at(12),
    });
  }
  const staff = people.filter((p) => p.role !== 'viewer');
  for (const [i, customer] of added.entries()) {
    const who = staff[(i + 1) % staff.length] ?? admin;
    events.push({
      tenantId,
      actorId: who.id,
      actorName: who.name,
      action: 'created',
      entityType: 'customer',
      entityId: customer.id,
      entityLabel: customer.company ?? customer.name,
      createdAt: customer.createdAt,
    });
  }
  if (events.length > 0) await tx.insert(activityEvents).values(events);
}
