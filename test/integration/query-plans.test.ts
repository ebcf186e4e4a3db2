import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { callerHistory } from '../../src/dashboards/console-history.js';
import { command, externalMongo, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { makeStaffUser, signIn } from '../helpers/staff.js';

/**
 * Every read the staff pages, the API and the SMS channel make, with the embedded database's own
 * query plan: the test records each query the hub sends while it walks the lists (first and second
 * page), the desk's tabs, the console, the caller history, the audit search, a ticket's deliveries
 * and the public board, then asks the database to explain each one and fails on any full scan of a
 * collection that grows with the city's traffic. The few collections that stay small by nature
 * (the administrators' own tables) may be read whole.
 */

/** Collections an administrator fills by hand: tens of rows, read whole on purpose. */
const SMALL = new Set([
  'departments',
  'routing_rules',
  'routing_rule_versions',
  'sla_policies',
  'sla_policy_versions',
  'calendar_years',
  'message_templates',
  'message_template_versions',
  'ivr_menus',
  'sms_keywords',
  'directory_entries',
  'staff_users',
  'api_tokens',
  'imap_cursors',
]);

/**
 * Reads that still scan, each with the reason it is not yet served by an index. The supervision
 * board computes its counts and rates over every ticket of its window and every open ticket.
 */
const KNOWN_SCANS: {
  collection: string;
  why: string;
  matches: (filter: Record<string, unknown>) => boolean;
}[] = [
  {
    collection: 'tickets',
    why: 'supervision board: counts and rates of the window are computed over its tickets',
    matches: (filter) => Array.isArray(filter.$or) && JSON.stringify(filter).includes('createdAt'),
  },
];

interface Recorded {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  comment?: string;
}

const READS = new Set([
  'find',
  'findOne',
  'countDocuments',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
]);

interface Explained {
  queryPlanner?: { Plan?: string[] };
}

describe(
  'every hot query is served by an index (embedded database query plans)',
  { skip: externalMongo !== undefined },
  () => {
    let hub: TestHub;
    const recorded: Recorded[] = [];

    before(async () => {
      hub = await startHub({ QUIET_HOURS: '', NOTIFY_THROTTLE_MS: '0' });
      await makeStaffUser(hub, 'plansclerk', 'clerk', 'CGJ');
      await makeStaffUser(hub, 'planssuper', 'supervisor');
      await makeStaffUser(hub, 'plansop', 'operator');
    });
    after(async () => {
      mongoose.set('debug', false);
      await hub.close();
    });

    it('walks the staff lists and pages, then explains each query: no scan of a growing collection', async () => {
      // Tickets in the states the lists show: waiting for triage, on a desk (led and co-handled),
      // flagged for supervision, returned to the hotline.
      const phone = '13700137000';
      const numbers: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { number } = await openTicket(hub, { body: `路灯不亮 第${String(i)}次`, contact: { phone } });
        numbers.push(number);
      }
      const [a, b, c, d, e] = numbers as [string, string, string, string, string, string];
      for (const [number, co] of [
        [a, undefined],
        [b, ['MZJ']],
        [c, undefined],
        [d, undefined],
      ] as const) {
        const body = { department: 'CGJ', ...(co ? { coDepartments: co } : {}) };
        assert.equal((await command(hub, number, 'dispatch', body)).statusCode, 200);
      }
      assert.equal((await command(hub, c, 'supervise', { reason: '群众多次来电' })).statusCode, 200);
      const cgj = await issueToken(hub, 'department', 'CGJ');
      assert.equal(
        (await command(hub, d, 'return', { reason: '不属于本单位职责', basis: '三定方案' }, cgj)).statusCode,
        200,
      );

      mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
        if (!READS.has(method)) return;
        const [filter, second, third] = args as [
          Record<string, unknown>?,
          Record<string, unknown>?,
          Record<string, unknown>?,
        ];
        const options = (method === 'find' || method === 'findOne' ? second : third) ?? {};
        recorded.push({
          collection,
          method,
          filter: filter ?? {},
          sort: options.sort as Recorded['sort'],
          limit: options.limit as number | undefined,
          comment: options.comment as string | undefined,
        });
      });

      const get = async (url: string, token?: string) => {
        const response = await hub.request({ method: 'GET', url, ...(token ? { token } : {}) });
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        return response.json<{ next?: string }>();
      };
      const twoPages = async (url: string, token?: string) => {
        const first = await get(`${url}${url.includes('?') ? '&' : '?'}limit=1`, token);
        if (first.next)
          await get(`${url}${url.includes('?') ? '&' : '?'}limit=1&cursor=${first.next}`, token);
      };
      for (const url of [
        '/api/v1/tickets',
        '/api/v1/tickets?status=dispatched',
        '/api/v1/tickets?department=CGJ',
        '/api/v1/tickets?department=CGJ&sort=received&status=dispatched',
        `/api/v1/tickets?phone=${phone}`,
        '/api/v1/tickets?title=路灯',
        '/api/v1/triage',
        '/api/v1/supervision',
        '/api/v1/supervision/overdue',
        '/api/v1/supervision/returns',
        `/api/v1/tickets/${a}/deliveries`,
        `/api/v1/tickets/${a}/delivery-attempts`,
        '/api/v1/notifications/dead-letters',
        '/api/v1/imports',
      ]) {
        await twoPages(url);
      }
      await twoPages('/api/v1/tickets', cgj);
      await get(`/api/v1/tickets/${a}`);
      await get(`/api/v1/tickets/${e}`);

      const clerk = await signIn(hub, 'plansclerk', 'plansclerk-pass-0123');
      for (const tab of ['new', 'signed', 'in_progress', 'waiting', 'replied', 'co', 'overdue']) {
        assert.equal((await clerk.get(`/staff/desk?tab=${tab}`)).statusCode, 200, tab);
      }
      assert.equal((await clerk.get(`/staff/desk/tickets/${a}`)).statusCode, 200);
      const supervisor = await signIn(hub, 'planssuper', 'planssuper-pass-0123');
      assert.equal((await supervisor.get('/staff/audit')).statusCode, 200);
      assert.equal((await supervisor.get(`/staff/audit?ticket=${a}`)).statusCode, 200);
      assert.equal((await supervisor.get('/staff/supervision')).statusCode, 200);
      const operator = await signIn(hub, 'plansop', 'plansop-pass-0123');
      assert.equal((await operator.get('/staff/console')).statusCode, 200);
      await callerHistory(
        { store: hub.app.store, timeZone: hub.config.timezone, now: () => new Date() },
        { phone, callSid: 'CA'.padEnd(34, '0'), actor: { kind: 'staff', id: 'op', role: 'operator' } },
      );
      const board = await hub.request({ method: 'GET', url: '/board', token: null });
      assert.equal(board.statusCode, 200);
      mongoose.set('debug', false);

      const db = hub.app.store.tickets.model.db.db;
      assert.ok(db, 'connected');
      const scans: string[] = [];
      const seen = new Set<string>();
      let explained = 0;
      for (const query of recorded) {
        if (SMALL.has(query.collection)) continue;
        const key = JSON.stringify([
          query.collection,
          shape(query.filter),
          query.sort,
          query.limit !== undefined,
        ]);
        if (seen.has(key)) continue;
        seen.add(key);
        const find = {
          find: query.collection,
          filter: query.filter,
          ...(query.sort ? { sort: query.sort } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.comment ? { comment: query.comment } : {}),
        };
        const result = (await db.command({ explain: find, verbosity: 'queryPlanner' })) as Explained;
        explained++;
        const plan = (result.queryPlanner?.Plan ?? []).join('\n');
        if (!/detail=SCAN (?!\(subquery)/.test(plan)) continue;
        const known = KNOWN_SCANS.find((k) => k.collection === query.collection && k.matches(query.filter));
        if (known) continue;
        scans.push(`${query.collection}.${query.method} ${JSON.stringify(query.filter)}\n  ${plan}`);
      }
      assert.ok(explained >= 20, `explained ${String(explained)} distinct queries`);
      assert.deepEqual(scans, [], `full scans:\n${scans.join('\n')}`);
    });
  },
);

/** A filter's shape: its keys and operators, values left out (two pages of a list are one shape). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object' && !(value instanceof Date) && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}
