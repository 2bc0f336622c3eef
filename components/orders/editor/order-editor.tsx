'use client';

import type { TextOp } from 'ot-text-unicode';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '@/components/collab/avatar';
import { CollaborationPanel, type PanelTab } from '@/components/collab/collaboration-panel';
import type { NotesRangeSelection } from '@/components/collab/comments-tab';
import { RealtimeBoundary } from '@/components/collab/realtime-boundary';
import { useComments } from '@/components/collab/use-comments';
import {
  useRealtime,
  useRealtimeSync,
  useRoomPresence,
  useWebSocketChannel,
  useWebSocketStatus,
} from '@/lib/hooks';
import { useLiveCustomers } from '@/lib/live/use-live-customers';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import type { SyncNotice } from '@/lib/sync/client/realtime-sync-manager';
import {
  conflictNoticeSchema,
  conflictResolvedEventSchema,
  lockEventSchema,
  syncEvents,
} from '@/lib/sync/protocol';
import { randomId } from '@/lib/sync/random-id';
import { transformRange } from '@/lib/sync/strategies/operational-transform';
import {
  type Address,
  isOrderSection,
  type OrderDoc,
  type OrderSection,
  type SyncOrderStatus,
} from '@/lib/sync/types';
import { parseWire } from '@/lib/wire/edge';
import { CustomerField, LinesField, ShippingField } from './fields-sections';
import { NotesEditor } from './notes-editor';
import { type EditorNotice, Notices } from './notices';
import { SectionCard } from './section-card';
import { nextStatuses, statusBlock, statusMoveOutcome } from './status-moves';
import { StatusSection } from './status-section';
import { SyncStatus } from './sync-status';
import { type EditorProps, fieldKey } from './types';

/** The live order editor (mounts its own realtime connection when the shell has none). */
export function OrderEditor(props: EditorProps) {
  return (
    <RealtimeBoundary user={props.user}>
      <Editor {...props} />
    </RealtimeBoundary>
  );
}

let noticeSeq = 0;

/** Why the server refused a change, from its error code (its message is English and for logs). */
function refusalOf(code: string) {
  switch (code) {
    case 'VALIDATION':
      return 'invalid';
    case 'NOT_FOUND':
      return 'gone';
    case 'LOCKED':
      return 'locked';
    case 'STALE_VERSION':
      return 'stale';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'CONFLICT':
      return 'conflict';
    case 'UNAVAILABLE':
      return 'offline';
    default:
      return 'other';
  }
}
/** Lines hold stock once an order is confirmed, so the service takes line changes only before that. */
const linesOpen = (status: SyncOrderStatus) => status === 'draft' || status === 'pending';

function Editor({
  orderId,
  number,
  user,
  customers: initialCustomers,
  products,
  linePrices,
  initial,
}: EditorProps) {
  // The customer picker follows colleagues' new and renamed customers.
  const customers = useLiveCustomers(initialCustomers);
  const { t } = useTranslation('collab');
  const { t: tc } = useTranslation('common');
  const staff = user.role !== 'viewer';
  const room = `order:${orderId}`;
  const sync = useRealtimeSync(orderId);
  const presence = useRoomPresence(room, { page: 'order' });
  // Tenant-wide "where": the dashboard's who-is-online shows this order's number.
  const { client } = useRealtime();
  useEffect(() => {
    client.updatePresence({ location: { page: number } });
    return () => client.updatePresence({ location: null });
  }, [client, number]);
  const comments = useComments(orderId, staff);
  const initialDoc: OrderDoc = useMemo(
    () => ({ ...initial, status: initial.status as SyncOrderStatus }),
    [initial],
  );
  const doc = sync.doc ?? initialDoc;
  const ready = sync.doc !== null;
  const [notices, setNotices] = useState<EditorNotice[]>([]);
  const [tab, setTab] = useState<PanelTab>('people');
  const [selection, setSelection] = useState<NotesRangeSelection>(null);
  const [anchorRequest, setAnchorRequest] = useState(0);
  const [activeThreadId, setActiveThreadId] = useState<string | null>(null);
  const [directory, setDirectory] = useState<Map<string, string>>(new Map());

  const fieldName = useCallback((field: string) => t(`fieldNames.${fieldKey(field)}`), [t]);
  const sectionName = useCallback(
    (section: string) => (isOrderSection(section) ? t(`editor.sections.${section}`) : section),
    [t],
  );
  const addNotice = useCallback((tone: EditorNotice['tone'], text: string) => {
    const id = `n${++noticeSeq}`;
    // An edit refused or not made stays said until its author dismisses it (they may have looked away); other
    // notices make way for newer ones and go by themselves.
    setNotices((list) => {
      let others = 0;
      return [{ id, tone, text }, ...list.filter((n) => n.text !== text)].filter(
        (n) => n.tone === 'danger' || ++others <= 4,
      );
    });
    if (tone !== 'danger') setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), 15_000);
  }, []);

  useEffect(
    () =>
      sync.onNotice((notice: SyncNotice) => {
        switch (notice.kind) {
          case 'overwritten':
            return addNotice(
              'warning',
              t('notice.overwritten', { name: notice.by.userName, field: fieldName(notice.field) }),
            );
          case 'concurrent':
            if (!notice.section) return;
            return addNotice(
              'info',
              t('notice.concurrent', {
                names: notice.users.map((u) => u.userName).join(', '),
                section: sectionName(notice.section),
              }),
            );
          case 'rejected': {
            // A line's field names its product; a line gone is said as such (its row is no longer on screen).
            const product = notice.productId
              ? products.find((p) => p.id === notice.productId)?.name
              : undefined;
            const refusal = refusalOf(notice.code);
            const reason = t(`notice.refusals.${product && refusal === 'gone' ? 'lineGone' : refusal}`);
            return addNotice(
              'danger',
              product
                ? t('notice.rejectedLine', { field: fieldName(notice.field), product, reason })
                : t('notice.rejected', { field: fieldName(notice.field), reason }),
            );
          }
          case 'conflict':
            return addNotice(
              'warning',
              t('notice.conflict', {
                field: fieldName(notice.conflict.field),
                name: notice.conflict.theirsBy.userName,
              }),
            );
          case 'resynced':
            return addNotice(
              'info',
              t('notice.resynced', { reason: t(`notice.resyncReasons.${notice.reason}`) }),
            );
          case 'lock-lost':
            return addNotice('warning', t('notice.lockLost', { section: sectionName(notice.section) }));
          case 'policy-switched':
            return addNotice('info', t('notice.policySwitched', { name: notice.by.userName }));
          case 'discarded':
            return addNotice(
              'danger',
              t('notice.discarded', { fields: notice.fields.map((f) => fieldName(f)).join(', ') }),
            );
          case 'restored':
            return addNotice('info', t('notice.restored', { count: notice.count }));
          case 'outbox-full':
            return addNotice(
              'danger',
              t('notice.outboxFull', { count: notice.limit, field: fieldName(notice.field) }),
            );
          case 'outbox-unavailable':
            return addNotice('warning', t('notice.outboxUnavailable'));
        }
      }),
    [sync.onNotice, addNotice, t, fieldName, sectionName, products],
  );

  const onRoomEvent = useCallback(
    (event: EventMessage) => {
      if (event.event === syncEvents.conflictResolved) {
        const resolved = parseWire('sync.conflictResolved', conflictResolvedEventSchema, event.data);
        if (!resolved) return;
        const replaced = resolved.overwrote.some((who) => who.userId === user.id);
        addNotice(
          replaced ? 'warning' : 'success',
          t(replaced ? 'notice.replacedByResolution' : 'notice.conflictResolved', {
            name: event.actor?.name ?? '',
            field: fieldName(resolved.field),
          }),
        );
      } else if (event.event === syncEvents.lock) {
        const lock = parseWire('sync.lock', lockEventSchema, event.data);
        if (!lock?.forcedBy) return;
        addNotice(
          'warning',
          t('notice.lockForced', { name: lock.forcedBy.name, section: sectionName(lock.section) }),
        );
      } else if (event.event === syncEvents.conflict) {
        const conflict = parseWire('sync.conflict', conflictNoticeSchema, event.data);
        if (conflict?.theirsBy.userId === user.id && conflict.mineBy)
          addNotice(
            'warning',
            t('notice.conflict', { field: fieldName(conflict.field), name: conflict.mineBy.userName }),
          );
      }
    },
    [addNotice, t, fieldName, sectionName, user.id],
  );
  useWebSocketChannel(room, onRoomEvent);

  // An admin switching the order policy reaches the sync manager as a change of the order (a 'policy-switched' notice).

  const { connected } = useWebSocketStatus();
  useEffect(() => {
    if (!staff || !connected) return;
    void comments
      .directory('', false)
      .then((users) => setDirectory(new Map(users.map((u) => [u.id, u.name]))))
      .catch(() => undefined);
  }, [staff, connected, comments.directory]);

  // Commented ranges move with every text change until the server's next answer.
  const rangeThreads = comments.threads.filter((th) => th.status === 'open' && th.anchor.kind === 'range');
  const [live, setLive] = useState<Record<string, { start: number; end: number; key: string }>>({});
  const ranges = rangeThreads.map((th) => {
    const a = th.anchor as { start: number; end: number; version: number };
    const key = `${a.start}:${a.end}:${a.version}`;
    const moved = live[th.id];
    return moved && moved.key === key
      ? { id: th.id, start: moved.start, end: moved.end, key }
      : { id: th.id, start: a.start, end: a.end, key };
  });
  const rangesRef = useRef(ranges);
  rangesRef.current = ranges;
  const onTextOp = useCallback((op: TextOp) => {
    setLive(
      Object.fromEntries(rangesRef.current.map((r) => [r.id, { ...transformRange(r, op), key: r.key }])),
    );
  }, []);

  const { setLocation, setActivity, updateMousePosition } = presence;
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onTyping = useCallback(() => {
    if (!typingTimer.current) setActivity('typing:notes');
    else clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => {
      typingTimer.current = null;
      setActivity(null);
    }, 2_500);
  }, [setActivity]);
  const onFocusSection = useCallback(
    (section: OrderSection) => setLocation({ page: 'order', section }),
    [setLocation],
  );
  const onCaret = useCallback(
    (start: number, end: number) => updateMousePosition(start, end, 'notes'),
    [updateMousePosition],
  );

  const members = presence.activeUsers;
  const others = presence.others;
  const hereIn = (section: OrderSection) => others.filter((m) => m.location?.section === section);
  const editable = (section: OrderSection) =>
    staff && ready && (sync.policy[section] !== 'lock-based' || sync.lockedByMe(section));
  const lockProps = (section: OrderSection) => ({
    lease: sync.lock(section),
    mine: sync.lockedByMe(section),
    canLock:
      staff &&
      ready &&
      sync.policy[section] === 'lock-based' &&
      // A final status has nothing left to lock for (a holder still gets "Done").
      (section !== 'status' || nextStatuses(doc.status).length > 0 || sync.lockedByMe(section)),
    onTake: () => {
      void sync.acquireLock(section)?.then((reply) => {
        if (reply && !reply.ok)
          addNotice('warning', t('editor.lock.busy', { name: sync.lock(section)?.userName ?? '' }));
      });
    },
    onRelease: () => void sync.releaseLock(section),
  });
  /** What every section card shows: its strategy, who is in it, its lock, and where focus is reported. */
  const sectionProps = (section: OrderSection) => ({
    section,
    strategy: sync.policy[section],
    here: hereIn(section),
    lock: lockProps(section),
    showTechnical: user.role === 'admin',
    onFocusSection,
  });
  /**
   * A transition is sent against the version on screen and awaited (not queued like typing): it moves stock, so the
   * section shows the server's answer, and a conflict under the `manual` policy opens the conflicts tab.
   */
  const moveStatus = async (to: SyncOrderStatus) => {
    const reply = await sync.pushDraft('status', to, sync.version);
    const lease = sync.lock('status');
    const outcome = statusMoveOutcome(reply, lease && lease.userId !== user.id ? lease.userName : null);
    if (outcome.kind === 'conflict') setTab('conflicts');
    return outcome;
  };
  const lastChangeBy = (field: string) => {
    for (let i = sync.remoteChanges.length - 1; i >= 0; i--) {
      const change = sync.remoteChanges[i]!;
      if (change.field === field) return change.userName;
    }
    return null;
  };
  const names = useMemo(
    () => ({
      customer: (id: string) => customers.find((c) => c.id === id)?.name,
      status: (s: string) => tc(`orderStatus.${s as SyncOrderStatus}`),
    }),
    [customers, tc],
  );
  const directoryNames = useMemo(() => {
    const map = new Map(directory);
    for (const m of members) map.set(m.userId, m.name);
    return map;
  }, [directory, members]);

  return (
    <div data-testid="order-editor" data-ready={ready ? 'true' : 'false'} data-role={user.role}>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-xl border border-slate-200 bg-white px-4 py-2.5 shadow-xs">
        <SyncStatus
          state={sync.syncState}
          version={sync.version || initial.version}
          lastSyncedAt={sync.lastSyncedAt}
          pending={sync.localChanges.length}
          outbox={sync.outbox}
          busy={sync.retryAt !== null}
        />
        <div className="flex items-center gap-3">
          {!staff ? (
            <span
              className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-600"
              data-testid="view-only"
            >
              {t('editor.viewOnly')}
            </span>
          ) : null}
          <span className="flex -space-x-2" data-testid="editor-presence">
            {members.map((m) => (
              <Avatar
                key={m.userId}
                userId={m.userId}
                name={m.name}
                title={`${m.name}${m.location?.section ? ` · ${sectionName(m.location.section)}` : ''}`}
              />
            ))}
          </span>
        </div>
      </div>
      <Notices notices={notices} onDismiss={(id) => setNotices((list) => list.filter((n) => n.id !== id))} />
      <div className="grid grid-cols-1 items-start gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
          <SectionCard {...sectionProps('status')}>
            <StatusSection
              status={doc.status}
              number={number}
              block={statusBlock({
                staff,
                ready,
                connected,
                policy: sync.policy,
                lease: sync.lock('status'),
                mine: sync.lockedByMe('status'),
              })}
              onMove={moveStatus}
              productName={(id) => products.find((p) => p.id === id)?.name ?? id.slice(0, 8)}
            />
          </SectionCard>
          <SectionCard {...sectionProps('customer')}>
            <CustomerField
              customerId={doc.customerId}
              customers={customers}
              editable={editable('customer')}
              onChange={(v) => sync.pushChange('customerId', v)}
            />
          </SectionCard>
          <SectionCard {...sectionProps('shipping')}>
            <ShippingField
              address={doc.shippingAddress}
              version={sync.version}
              editable={editable('shipping')}
              changedBy={lastChangeBy('shippingAddress')}
              onSave={async (value: Address, baseVersion: number) => {
                const reply = await sync.pushDraft('shippingAddress', value, baseVersion);
                if (!reply.ok)
                  addNotice(
                    'danger',
                    t('notice.rejected', {
                      field: fieldName('shippingAddress'),
                      reason: reply.error.message,
                    }),
                  );
                else if (reply.result.results[0]?.status === 'conflict') setTab('conflicts');
              }}
            />
          </SectionCard>
          <SectionCard
            {...sectionProps('notes')}
            actions={
              staff ? (
                <button
                  type="button"
                  className="btn-ghost gap-1 px-2 py-1 text-xs"
                  disabled={!selection}
                  title={selection ? undefined : t('editor.selectionHint')}
                  data-testid="comment-selection"
                  onClick={() => {
                    setTab('comments');
                    setAnchorRequest((n) => n + 1);
                  }}
                >
                  <svg aria-hidden viewBox="0 0 16 16" fill="currentColor" className="size-3.5">
                    <path d="M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H6l-3 2.5V11h0a1.5 1.5 0 0 1-1-1.5v-6Z" />
                  </svg>
                  {t('editor.commentSelection')}
                </button>
              ) : null
            }
          >
            <NotesEditor
              value={doc.notes}
              editable={editable('notes')}
              members={others}
              ranges={ranges}
              activeRangeId={activeThreadId}
              onChangeText={(next, caret) => sync.pushChange('notes', next, { caret })}
              onRemoteText={sync.onRemoteText}
              onCaret={onCaret}
              onSelection={setSelection}
              onTyping={onTyping}
              onTextOp={onTextOp}
              remoteAuthor={sync.remoteChanges.at(-1)?.userId ?? null}
            />
          </SectionCard>
          <SectionCard {...sectionProps('lines')} className="lg:col-span-2">
            <LinesField
              lines={doc.lines}
              products={products}
              linePrices={linePrices}
              editable={editable('lines') && linesOpen(doc.status)}
              onQuantity={(lineId, quantity) => sync.pushChange(`lines.${lineId}.quantity`, quantity)}
              onRemove={(lineId) => sync.removeLine(lineId)}
              onAdd={(productId, quantity) => sync.addLine({ id: randomId(), productId, quantity })}
            />
          </SectionCard>
        </div>
        <div className="xl:sticky xl:top-20">
          <CollaborationPanel
            sync={sync}
            comments={comments}
            members={members}
            self={{ id: user.id, role: user.role }}
            selection={selection}
            anchorRequest={anchorRequest}
            activeThreadId={activeThreadId}
            onActivateThread={setActiveThreadId}
            names={names}
            directoryNames={directoryNames}
            tab={tab}
            onTab={setTab}
          />
        </div>
      </div>
    </div>
  );
}
