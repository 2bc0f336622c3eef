// One sync server node in its own process for `npm run bench:sync` (started by sync-process.ts): the real
// startServer on the bench's database (DATABASE_URL, or the PGlite data dir under DATA_DIR), so the bench can read
// this process's CPU alone. It counts the SQL statements and transactions it runs (pg.Client and PGlite calls
// patched before the server starts) and reports them with process.cpuUsage() over IPC.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { z } from 'zod';
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';

const counts = { statements: 0, transactions: 0, byKind: new Map<string, number>() };

function count(text: string): string {
  const kind = /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? 'other';
  counts.statements++;
  counts.byKind.set(kind, (counts.byKind.get(kind) ?? 0) + 1);
  return kind;
}

function textOf(query: unknown): string {
  if (typeof query === 'string') return query;
  if (typeof query === 'object' && query !== null && 'text' in query && typeof query.text === 'string')
    return query.text;
  return '';
}

// node-postgres: every pooled and LISTEN connection is a pg.Client. A statement outside BEGIN…COMMIT is a
// transaction of its own, as PostgreSQL counts it.
const inTransaction = new WeakSet<object>();
const pgQuery = pg.Client.prototype.query;
Object.defineProperty(pg.Client.prototype, 'query', {
  configurable: true,
  writable: true,
  value: function countedQuery(this: pg.Client, ...args: unknown[]): unknown {
    const kind = count(textOf(args[0]));
    if (kind === 'begin') {
      inTransaction.add(this);
      counts.transactions++;
    } else if (kind === 'commit' || kind === 'rollback') inTransaction.delete(this);
    else if (!inTransaction.has(this)) counts.transactions++;
    return Reflect.apply(pgQuery, this, args);
  },
});

// PGlite: query/exec outside a transaction are one transaction each; transaction() runs BEGIN and COMMIT (or
// ROLLBACK) itself and hands the callback an object whose query/exec/sql bypass the instance's methods.
const liteProto = PGlite.prototype;
for (const method of ['query', 'exec', 'sql'] as const) {
  const original = liteProto[method];
  Object.defineProperty(liteProto, method, {
    configurable: true,
    writable: true,
    value: function countedLite(this: PGlite, ...args: unknown[]): unknown {
      count(method === 'sql' ? 'sql' : textOf(args[0]));
      counts.transactions++;
      return Reflect.apply(original, this, args);
    },
  });
}
const liteTransaction = liteProto.transaction;
Object.defineProperty(liteProto, 'transaction', {
  configurable: true,
  writable: true,
  value: function countedTransaction(this: PGlite, callback: unknown): unknown {
    count('begin');
    counts.transactions++;
    const wrapped = (tx: object) => {
      const counted: object = Object.create(tx);
      for (const method of ['query', 'exec', 'sql'] as const) {
        const original: unknown = Reflect.get(tx, method);
        if (typeof original !== 'function') continue;
        Object.defineProperty(counted, method, {
          value: (...args: unknown[]) => {
            count(method === 'sql' ? 'sql' : textOf(args[0]));
            return Reflect.apply(original, tx, args);
          },
        });
      }
      return typeof callback === 'function' ? Reflect.apply(callback, undefined, [counted]) : undefined;
    };
    const done = Reflect.apply(liteTransaction, this, [wrapped]);
    // COMMIT, or ROLLBACK when the callback threw.
    const end = () => count('commit');
    return Promise.resolve(done).then(
      (value: unknown) => {
        end();
        return value;
      },
      (error: unknown) => {
        end();
        throw error;
      },
    );
  },
});

const request = z.object({ op: z.literal('stats') });

const running = await startServer({ env: parseEnv(process.env), withNext: false });
process.on('message', (message: unknown) => {
  if (!request.safeParse(message).success) return;
  const cpu = process.cpuUsage();
  process.send?.({
    op: 'stats',
    cpuMicros: cpu.user + cpu.system,
    statements: counts.statements,
    transactions: counts.transactions,
    byKind: Object.fromEntries(counts.byKind),
  });
});
process.send?.({ op: 'ready', port: running.port, nodeId: running.services.nodeId });
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
// The bench went away without stopping this node: do not outlive it.
process.on('disconnect', () => {
  void running.close().finally(() => process.exit(1));
});
