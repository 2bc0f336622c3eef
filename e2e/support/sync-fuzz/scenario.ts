import { isDeepStrictEqual } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { loadSyncedOrder } from '../../../lib/db/queries/order-writes';
import { orders } from '../../../lib/db/schema';
import { seededRandom } from '../../../lib/db/seed-data';
import type { OrderPolicy } from '../../../lib/sync/policy';
import { syncParams } from '../../../lib/sync/protocol';
import { toDoc } from '../../../lib/sync/service/order-entity';
import { toCodePoint } from '../../../lib/sync/text-diff';
import type { OrderDoc, OrderSection } from '../../../lib/sync/types';
import { insertOrder } from '../catalog-fixtures';
import { FuzzClient, type ManagerFactory, plainManager, type RpcObserver } from './client';
import type { FuzzCluster } from './cluster';
import { randomPolicy, type StrategyConfigName, strategyConfigNames, strategyConfigs } from './configs';
import { caretPositions, codePointBoundaries, corpus, fillerRuns, markerOf } from './corpus';
import { describeDocDiff } from './doc-diff';
import { checkInvariants, describeHistory, type FuzzRecord, readHistory } from './invariants';

/**
 * Waits until `check` holds (the vitest file passes expect.poll, the fuzz script its own poll). `explain` says
 * what was awaited and what was seen, for the failure message.
 */
export type Until = (
  check: () => boolean | Promise<boolean>,
  explain: () => string | Promise<string>,
  timeoutMs: number,
) => Promise<void>;

export type FuzzScenario = {
  seed: number;
  config: StrategyConfigName;
  steps: number;
  cluster: FuzzCluster;
  until: Until;
  /** How a client session's manager is made (pass one with a shared durable outbox to test reloads). */
  createManager?: ManagerFactory;
  /** With a durable outbox, edits not yet acknowledged at a reload must still arrive. */
  outboxSurvivesReload?: boolean;
  /** Add the order's whole history and every push to a failure's message. */
  verbose?: boolean;
};

export type FuzzStats = {
  orderId: string;
  clients: number;
  steps: number;
  applied: number;
  conflicts: number;
  historyRows: number;
  markers: number;
  reloads: number;
  faults: number;
  policySwitches: number;
  resolutions: number;
  finalVersion: number;
};

export class FuzzFailure extends Error {
  constructor(
    readonly seed: number,
    readonly config: StrategyConfigName,
    readonly nodes: 1 | 2,
    readonly replay: string,
    message: string,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }
}

export function replayCommand(
  seed: number,
  config: StrategyConfigName,
  nodes: 1 | 2,
  steps: number,
  outbox = false,
) {
  return `npm run fuzz -- --seed ${seed} --strategy ${config} --nodes ${nodes} --steps ${steps}${outbox ? ' --outbox' : ''}`;
}

const pushReply = z.object({
  results: z.array(
    z.object({
      clientChangeId: z.string(),
      status: z.enum(['applied', 'conflict', 'rejected']),
      version: z.number().optional(),
      conflictId: z.string().optional(),
      code: z.string().optional(),
    }),
  ),
});
const conflictList = z.object({
  items: z.array(
    z.object({
      conflictId: z.string(),
      field: z.string(),
      mine: z.unknown(),
      current: z.object({ version: z.number() }).nullish(),
    }),
  ),
});
const changedSince = z.object({
  reason: z.literal('changed_since'),
  current: z.object({ version: z.number() }),
});

const cities = ['Bangkok', 'เชียงใหม่', 'Phuket', 'Hat Yai', 'Zürich', '東京'];

/** The seed of one stream of a run (a step, a client's choice of node): the parts mixed, FNV-1a style. */
function streamSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ part, 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}

function seededUuid(random: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  const variant = '89ab'[Math.floor(random() * 4)]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * One randomized run: 3–5 editors (distinct people, split across the nodes) and an admin on a fresh order;
 * random edits from the Unicode corpus, abrupt disconnects, offline periods, reloads, undo/redo, policy switches
 * and conflict resolutions; then everything settles and the invariants are checked (invariants.ts). The seed
 * fixes the sequence of actions; the network timing is real, so a replay follows the same script, not the same
 * interleaving.
 */
export async function runFuzzScenario(scenario: FuzzScenario): Promise<FuzzStats> {
  const { seed, config, steps, cluster, until } = scenario;
  // The seed fixes the script: each step draws from a stream of its own, so how many numbers an earlier step
  // took (which depends on the document it found, a lock granted or not, the conflicts listed) cannot shift the
  // steps after it; a client's choice of node at each reconnect (as many as the network timing makes) draws
  // from its own stream too. With one stream for everything a replay of a seed ran another script every time.
  const runSeed = seed * 7919 + config.length;
  let stream = seededRandom(runSeed);
  const random = () => stream();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const log: string[] = [];
  const say = (line: string) => log.push(line);
  const replay = replayCommand(seed, config, cluster.nodes, steps, scenario.outboxSurvivesReload ?? false);
  const { policy: startPolicy, switches } = strategyConfigs[config];

  const db = cluster.database.db;
  const order = await insertOrder(
    db,
    cluster.tenantId,
    [
      { productId: cluster.productIds[0]!, quantity: 2 },
      { productId: cluster.productIds[1]!, quantity: 1 },
    ],
    'draft',
  );
  const orderId = order.id;
  // Pinned to the configuration's policy from the start, whatever an earlier run left the tenant's at (the
  // admin's first open would otherwise pin that one, and the policy set below enter a switch at v2).
  await db.update(orders).set({ policy: startPolicy }).where(eq(orders.id, orderId));
  const record: FuzzRecord = { sent: new Map(), acked: new Map(), markers: [], resolutions: 0 };
  const observe: RpcObserver = ({ client, session, method, params, reply }) => {
    if (method !== 'sync.push') return;
    const pushed = syncParams['sync.push'].safeParse(params);
    if (!pushed.success) return;
    for (const change of pushed.data.changes) {
      if (!record.sent.has(change.clientChangeId))
        record.sent.set(change.clientChangeId, {
          baseVersion: change.baseVersion,
          field: change.field,
          client,
          session,
        });
    }
    if (!reply.ok) return;
    const answered = pushReply.safeParse(reply.result);
    if (!answered.success) return;
    for (const result of answered.data.results) {
      record.acked.set(result.clientChangeId, { ...result, client, session });
    }
  };

  const clientCount = 3 + Math.floor(random() * 3);
  const clients: FuzzClient[] = [];
  const makeClient = (index: number, person: FuzzCluster['admin']) => {
    let n = 0;
    return new FuzzClient(index, person, {
      cluster,
      entityId: orderId,
      random: seededRandom(streamSeed(runSeed, strategyConfigNames.indexOf(config), -1 - index)),
      // The same ids on every order of a run: a server that deduplicates per user and not per order loses edits.
      newId: () => `f${seed}-u${index}-${++n}`,
      createManager: scenario.createManager ?? plainManager,
      observe,
    });
  };
  for (let i = 0; i < clientCount; i++) clients.push(makeClient(i, cluster.editors[i]!));
  const admin = makeClient(clientCount, cluster.admin);
  const everyone = [...clients, admin];

  let currentPolicy: OrderPolicy = startPolicy;
  const stats = { reloads: 0, faults: 0, policySwitches: 0 };

  const adminRpc = (method: string, params: unknown) => admin.rpc(method, params);

  try {
    await admin.open();
    await until(
      () => admin.manager.getSnapshot().syncState === 'synced',
      () => `admin opens the order (${admin.manager.getSnapshot().syncState})`,
      30_000,
    );
    const set = await adminRpc('policy.set', { entityType: 'order', sections: startPolicy });
    if (!set.ok) throw new Error(`policy.set failed: ${JSON.stringify(set)}`);
    for (const client of clients) await client.open();
    await until(
      () => everyone.every((c) => c.manager.getSnapshot().syncState === 'synced'),
      () => `everyone opens: ${everyone.map((c) => c.manager.getSnapshot().syncState).join(', ')}`,
      30_000,
    );
    say(`start: ${clientCount} editors on order ${orderId}, policy ${JSON.stringify(startPolicy)}`);

    const ensureLock = async (client: FuzzClient, section: OrderSection): Promise<boolean> => {
      const policy = client.manager.getSnapshot().policy;
      if (policy[section] !== 'lock-based' || client.manager.lockedByMe(section)) return true;
      const reply = await client.manager.acquireLock(section);
      return reply.ok;
    };

    const editNotes = (client: FuzzClient, step: number, doc: OrderDoc) => {
      const text = doc.notes;
      const roll = random();
      const runs = fillerRuns(text);
      let next: string;
      /** Where the caret is after the edit (UTF-16, as a textarea's selectionEnd), given with it as the editor does. */
      let caret: number;
      let what: string;
      const long = text.length > 1500 && runs.length > 0;
      if (!long && (roll < 0.6 || runs.length === 0)) {
        const positions = caretPositions(text, chance(0.5));
        const at = pick(positions);
        let piece: string;
        if (roll < 0.3) {
          piece = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(corpus)).join('');
          what = `types ${JSON.stringify(piece)}`;
        } else {
          const session = client.session;
          piece = markerOf(client.index, record.markers.length);
          record.markers.push({
            marker: piece,
            client: client.index,
            session: session.index,
            step,
            noticesBefore: session.notices.length,
          });
          what = `types marker ${piece}`;
        }
        next = text.slice(0, at) + piece + text.slice(at);
        caret = at + piece.length;
        what += ` at ${at}`;
      } else {
        const [start, end] = pick(runs);
        const bounds = codePointBoundaries(text.slice(start, end)).map((b) => b + start);
        const from = Math.floor(random() * (bounds.length - 1));
        const to = Math.min(bounds.length - 1, from + 1 + Math.floor(random() * 5));
        const [a, b] = [bounds[from]!, bounds[to]!];
        const insert = roll < 0.85 || long ? '' : pick(corpus);
        next = text.slice(0, a) + insert + text.slice(b);
        caret = a + insert.length;
        what = `${insert ? `replaces with ${JSON.stringify(insert)}` : 'deletes'} ${JSON.stringify(text.slice(a, b))} at ${a}`;
      }
      client.manager.pushChange('notes', next, { caret: toCodePoint(next, caret) });
      if (scenario.verbose) {
        const snap = client.manager.getSnapshot();
        const pending = snap.localChanges.map((c) => `${c.clientChangeId}${c.sent ? '*' : ''}`).join(',');
        what += ` [${snap.syncState} v${snap.version} pending ${pending} shown=${snap.doc?.notes === next}]`;
      }
      return `notes ${what}`;
    };

    const edit = async (client: FuzzClient, step: number): Promise<string> => {
      const doc = client.manager.getSnapshot().doc;
      if (!doc) return 'no document yet';
      const roll = random();
      const section: OrderSection =
        roll < 0.55
          ? 'notes'
          : roll < 0.75
            ? 'lines'
            : roll < 0.85
              ? 'shipping'
              : roll < 0.94
                ? 'customer'
                : 'status';
      if (!(await ensureLock(client, section))) return `${section}: lock not granted`;
      const current = client.manager.getSnapshot().doc;
      if (!current) return 'no document';
      let what: string;
      switch (section) {
        case 'notes':
          what = editNotes(client, step, current);
          break;
        case 'lines': {
          const r = random();
          if (r < 0.3 || current.lines.length === 0) {
            const line = {
              id: seededUuid(random),
              productId: pick(cluster.productIds),
              quantity: 1 + Math.floor(random() * 5),
            };
            client.manager.addLine(line);
            what = `adds line ${line.id.slice(0, 8)}`;
          } else if (r < 0.45 && current.lines.length > 1) {
            const line = pick(current.lines);
            client.manager.removeLine(line.id);
            what = `removes line ${line.id.slice(0, 8)}`;
          } else {
            const line = pick(current.lines);
            const quantity = 1 + Math.floor(random() * 20);
            client.manager.pushChange(`lines.${line.id}.quantity`, quantity);
            what = `sets quantity of ${line.id.slice(0, 8)} to ${quantity}`;
          }
          break;
        }
        case 'shipping': {
          const value = { ...current.shippingAddress, city: pick(cities), line2: pick(corpus) };
          client.manager.pushChange('shippingAddress', value);
          what = `sets shipping ${value.city} ${JSON.stringify(value.line2)}`;
          break;
        }
        case 'customer': {
          const value = pick(cluster.customerIds);
          client.manager.pushChange('customerId', value);
          what = `sets customer ${value.slice(0, 8)}`;
          break;
        }
        case 'status': {
          const value = current.status === 'draft' ? 'pending' : 'draft';
          client.manager.pushChange('status', value);
          what = `sets status ${value}`;
          break;
        }
      }
      if (chance(0.15) && client.manager.lockedByMe(section)) {
        await client.manager.releaseLock(section);
        what += `, releases ${section}`;
      }
      return what;
    };

    const adminAction = async (): Promise<string> => {
      if (switches && chance(0.5)) {
        const policy = randomPolicy(random);
        const reply = await adminRpc('policy.set', { entityType: 'order', sections: policy });
        currentPolicy = policy;
        stats.policySwitches++;
        return `switches policy to ${JSON.stringify(policy)} (${reply.ok ? 'ok' : reply.error.code})`;
      }
      const hasManual = Object.values(currentPolicy).includes('manual');
      if (!hasManual) return 'idles';
      const listed = await adminRpc('conflict.list', { entityType: 'order', entityId: orderId });
      const parsed = listed.ok ? conflictList.safeParse(listed.result) : null;
      if (!parsed?.success || parsed.data.items.length === 0) return 'no open conflict';
      const conflict = pick(parsed.data.items);
      const resolution = pick(['mine', 'theirs', 'merged'] as const);
      const value = resolution === 'merged' ? conflict.mine : undefined;
      // Half the time the admin resolves without looking at a newer value; a refusal shows it, then they retry.
      const reviewed = chance(0.5) ? conflict.current?.version : undefined;
      let reply = await admin.manager.resolveConflict(conflict.conflictId, resolution, value, reviewed);
      let retried = '';
      if (!reply.ok && reply.error.code === 'CONFLICT') {
        const newer = changedSince.safeParse(reply.error.details);
        if (newer.success) {
          reply = await admin.manager.resolveConflict(
            conflict.conflictId,
            resolution,
            value,
            newer.data.current.version,
          );
          retried = ` after reviewing v${newer.data.current.version}`;
        }
      }
      if (reply.ok) record.resolutions++;
      return `resolves ${conflict.conflictId.slice(0, 8)} (${conflict.field}) with ${resolution}${retried}: ${reply.ok ? 'ok' : reply.error.code}`;
    };

    // Where the admin switches policies, it acts on one step in ten (half of them switches: about four switches in
    // a run of 80 steps, and a run with none is rare); elsewhere one in 25.
    const adminShare = switches ? 0.1 : 0.04;
    for (let step = 0; step < steps; step++) {
      stream = seededRandom(streamSeed(runSeed, strategyConfigNames.indexOf(config), step));
      const client = pick(clients);
      const roll = random();
      let what: string;
      if (roll < 0.04) {
        client.terminate();
        stats.faults++;
        what = 'socket dies';
      } else if (roll < 0.08) {
        if (client.online) client.goOffline();
        else client.goOnline();
        stats.faults++;
        what = client.online ? 'back online' : 'goes offline';
      } else if (roll < 0.1) {
        await client.reload();
        stats.reloads++;
        what = `reloads (session ${client.session.index})`;
      } else if (roll < 0.1 + adminShare) {
        say(`#${step} admin: ${await adminAction()}`);
        if (chance(0.5)) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
        continue;
      } else if (roll < 0.14 + adminShare) {
        const undo = chance(0.6);
        const reply = undo ? await client.manager.undoChange() : await client.manager.redoChange();
        what = `${undo ? 'undo' : 'redo'}: ${reply.ok ? 'ok' : reply.error.code}`;
      } else {
        what = await edit(client, step);
      }
      say(`#${step} c${client.index}${client.online ? '' : ' (offline)'}: ${what}`);
      if (chance(0.5)) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
    }

    // ---- settle -----------------------------------------------------------------------------------------------
    for (const client of clients) if (!client.online) client.goOnline();
    await until(
      () => everyone.every((c) => c.connected),
      () => `everyone reconnects: ${everyone.map((c) => c.session.socketClient.state.status).join(', ')}`,
      30_000,
    );
    for (const client of everyone) client.manager.flushNow();
    const server = async () => {
      const row = await loadSyncedOrder(db, cluster.tenantId, orderId);
      if (!row) throw new Error('order vanished');
      return { version: row.version, doc: toDoc(row) };
    };
    const describeReplicas = async () => {
      const s = await server();
      return `replicas settle at the server's version ${s.version}:\n${everyone
        .map((c) => {
          const snap = c.manager.getSnapshot();
          const diff = describeDocDiff(snap.doc, s.doc);
          const line = `  c${c.index}: ${snap.syncState} v${snap.version} settled=${c.manager.isSettled()} pending=${snap.localChanges.length} equal=${diff.length === 0}`;
          if (diff.length === 0) return line;
          // What differs, both values, and what the client was told (a repair it made, a reopen, a refusal).
          const told = c.session.notices
            .slice(-6)
            .map((n) => (n.kind === 'resynced' ? `resynced (${n.reason})` : n.kind))
            .join(', ');
          return `${line} divergences=${snap.divergences} notices: ${told || 'none'}\n${diff.map((d) => `      ${d}`).join('\n')}`;
        })
        .join('\n')}`;
    };
    await until(
      async () => {
        const s = await server();
        return everyone.every((c) => {
          const snap = c.manager.getSnapshot();
          return (
            c.manager.isSettled() &&
            snap.syncState === 'synced' &&
            snap.version === s.version &&
            isDeepStrictEqual(snap.doc, s.doc)
          );
        });
      },
      describeReplicas,
      45_000,
    );

    // ---- invariants -------------------------------------------------------------------------------------------
    const final = await server();
    const history = await readHistory(db, orderId);
    const violations = checkInvariants({
      final,
      history,
      record,
      clients,
      replicas: everyone.map((c) => ({ name: `c${c.index}`, snapshot: c.manager.getSnapshot() })),
      outboxSurvivesReload: scenario.outboxSurvivesReload ?? false,
    });
    if (violations.length > 0) throw new Error(`invariants broken:\n- ${violations.join('\n- ')}`);
    return {
      orderId,
      clients: clientCount,
      steps,
      applied: [...record.acked.values()].filter((a) => a.status === 'applied').length,
      conflicts: [...record.acked.values()].filter((a) => a.status === 'conflict').length,
      historyRows: history.changes.length,
      markers: record.markers.length,
      reloads: stats.reloads,
      faults: stats.faults,
      policySwitches: stats.policySwitches,
      resolutions: record.resolutions,
      finalVersion: final.version,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Verbose: the order's whole history and every answer, whichever check failed (a settle that never came too).
    const dump = scenario.verbose
      ? await readHistory(db, orderId)
          .then((history) => `\n${describeHistory(history, record)}`)
          .catch(() => '')
      : '';
    throw new FuzzFailure(
      seed,
      config,
      cluster.nodes,
      replay,
      `sync fuzz failed: seed ${seed}, strategy ${config}, ${cluster.nodes} node(s), order ${orderId}\n` +
        `replay: ${replay}\n${message}\nlast steps:\n  ${log.slice(scenario.verbose ? 0 : -40).join('\n  ')}${dump}`,
    );
  } finally {
    for (const client of everyone)
      if (client.sessions.length > 0) await client.close().catch(() => undefined);
  }
}
