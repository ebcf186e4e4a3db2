import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

interface Clock {
  state: string;
  dueAt: string;
  unit: string;
}
interface TicketJson {
  number: string;
  status: string;
  priority: string;
  leadDepartment?: string;
  tags: string[];
  coDepartments: { department: string; status: string; dueAt?: string; opinion?: string }[];
  routing?: { by: string; rule?: { id: string; version: number }; reasons: string[] };
  sla: {
    policy?: string;
    clocks: Partial<Record<string, Clock>>;
    pause?: { reason: string };
    extension?: { status: string; dueAt?: string };
  };
  supervision: { flagged: boolean; flags: { kind: string }[] };
  events: { type: string; data?: Record<string, unknown> }[];
  outbox: { template: string; audience: string; department?: string }[];
  returnCount: number;
  rating?: { value: string };
}
interface ErrorJson {
  code: string;
  details?: { problems?: { path: string }[]; pending?: string[] };
}

const RULE = {
  id: 'streetlights',
  name: '路灯 → 城管局',
  order: 10,
  conditions: { keywords: { any: ['路灯', '照明'], none: ['广告'] } },
  actions: { leadDepartment: 'CGJ', priority: 'urgent', tags: ['市政设施'] },
};

async function ticket(hub: TestHub, number: string): Promise<TicketJson> {
  return (await hub.request({ method: 'GET', url: `/api/v1/tickets/${number}` })).json<TicketJson>();
}

describe('routing rules, dry-run and triage', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('an invalid rule → 400 naming the field, nothing stored', async () => {
    const bad = [
      [{ ...RULE, actions: { leadDepartment: 'NOPE' } }, '/actions/leadDepartment'],
      [{ ...RULE, actions: { leadDepartment: 'CGJ', coDepartments: ['XX'] } }, '/actions/coDepartments/0'],
      [{ ...RULE, conditions: {} }, '/conditions'],
      [{ ...RULE, conditions: { keywords: {} } }, '/conditions'],
      [{ ...RULE, conditions: { timeWindow: 'lunchtime' } }, '/conditions/timeWindow'],
      [
        { ...RULE, effectiveFrom: '2026-05-01T00:00:00Z', effectiveTo: '2026-04-01T00:00:00Z' },
        '/effectiveTo',
      ],
      [{ ...RULE, actions: { leadDepartment: 'CGJ', slaPolicy: 'nope' } }, '/actions/slaPolicy'],
    ] as const;
    for (const [payload, path] of bad) {
      const response = await hub.request({ method: 'POST', url: '/api/v1/routing/rules', payload });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      const body = response.json<ErrorJson>();
      assert.equal(body.code, 'HUB_ERR_VALIDATION');
      assert.ok(
        body.details?.problems?.some((p) => p.path === path),
        `${path} in ${JSON.stringify(body.details)}`,
      );
    }
    const rules = await hub.request({ method: 'GET', url: '/api/v1/routing/rules' });
    assert.deepEqual(rules.json(), []);
  });

  it('routes at intake by rule and records the rule id + version and why', async () => {
    const created = await hub.request({ method: 'POST', url: '/api/v1/routing/rules', payload: RULE });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json<{ version: number }>().version, 1);

    const routed = await openTicket(hub, { body: '小区门口的路灯坏了三天' });
    const view = await ticket(hub, routed.number);
    assert.equal(view.status, 'dispatched');
    assert.equal(view.leadDepartment, 'CGJ');
    assert.equal(view.priority, 'urgent');
    assert.deepEqual(view.tags, ['市政设施']);
    assert.equal(view.routing?.by, 'rule');
    assert.deepEqual(view.routing.rule, { id: 'streetlights', version: 1, name: '路灯 → 城管局' });
    assert.deepEqual(view.routing.reasons, ['text mentions 路灯', 'text mentions none of 广告']);
    // The urgent policy's department clocks started, in the department's working hours.
    assert.equal(view.sla.policy, 'urgent');
    assert.deepEqual(Object.keys(view.sla.clocks).sort(), ['completion', 'response', 'sign']);
    assert.equal(view.sla.clocks.completion?.unit, 'working_days');
    assert.ok(view.outbox.some((o) => o.audience === 'department' && o.department === 'CGJ'));

    // A new version takes effect at once; the ticket keeps the version that routed it.
    const updated = await hub.request({
      method: 'PUT',
      url: '/api/v1/routing/rules/streetlights',
      payload: { ...omitId(RULE), version: 1, actions: { leadDepartment: 'ZJJ' } },
    });
    assert.equal(updated.statusCode, 200);
    assert.equal(updated.json<{ version: number }>().version, 2);
    const second = await ticket(hub, (await openTicket(hub, { body: '路灯又不亮了' })).number);
    assert.equal(second.leadDepartment, 'ZJJ');
    assert.equal(second.routing?.rule?.version, 2);
    assert.equal((await ticket(hub, routed.number)).routing?.rule?.version, 1);

    const stale = await hub.request({
      method: 'PUT',
      url: '/api/v1/routing/rules/streetlights',
      payload: { ...omitId(RULE), version: 1 },
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<ErrorJson>().code, 'HUB_ERR_VERSION_CONFLICT');
    const versions = await hub.request({ method: 'GET', url: '/api/v1/routing/rules/streetlights/versions' });
    assert.deepEqual(
      versions
        .json<{ version: number; actions: { leadDepartment: string } }[]>()
        .map((v) => [v.version, v.actions.leadDepartment]),
      [
        [2, 'ZJJ'],
        [1, 'CGJ'],
      ],
    );
  });

  it('no rule matches → the triage queue; an operator dispatches by hand', async () => {
    const unrouted = await openTicket(hub, { body: '咨询公积金贷款额度' });
    assert.equal(unrouted.status, 'received');
    const view = await ticket(hub, unrouted.number);
    assert.equal(view.routing?.by, 'triage');
    const triage = await hub.request({ method: 'GET', url: '/api/v1/triage' });
    assert.ok(triage.json<{ items: { number: string }[] }>().items.some((t) => t.number === unrouted.number));
    const routedOne = await openTicket(hub, { body: '路灯' });
    assert.ok(
      !triage.json<{ items: { number: string }[] }>().items.some((t) => t.number === routedOne.number),
    );

    const operator = await issueToken(hub, 'operator');
    const dispatched = await command(
      hub,
      unrouted.number,
      'dispatch',
      { department: 'ZJJ', reason: '公积金归住建' },
      operator,
    );
    assert.equal(dispatched.statusCode, 200);
    const after = dispatched.json<TicketJson>();
    assert.equal(after.routing?.by, 'operator');
    assert.equal(after.sla.policy, 'default');
    assert.equal(after.sla.clocks.completion?.state, 'running');
  });

  it('dry-run explains where a text would go and creates nothing; empty text → 400', async () => {
    const before = await hub.app.store.tickets.count();
    const dry = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/dry-run',
      payload: { text: '楼下路灯不亮', at: '2026-02-13T07:00:00Z' },
    });
    assert.equal(dry.statusCode, 200);
    const body = dry.json<{
      matched: boolean;
      rule: { id: string; version: number };
      routeTo: { leadDepartment: string };
      timeWindow: string;
      sla: { policy: string; dueAt: Record<string, string> };
    }>();
    assert.equal(body.matched, true);
    assert.deepEqual(body.rule, { id: 'streetlights', version: 2, name: '路灯 → 城管局' });
    assert.equal(body.routeTo.leadDepartment, 'ZJJ');
    assert.equal(body.timeWindow, 'working_hours');
    // Version 2 sets no priority: the default policy, 5 working days from Friday 2026-02-13 15:00 —
    // the make-up Saturday 02-14, then 02-24…02-27 after the Spring Festival, ending 17:30.
    assert.equal(body.sla.policy, 'default');
    assert.equal(body.sla.dueAt.completion, '2026-02-27T09:30:00.000Z');
    const miss = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/dry-run',
      payload: { text: '路灯广告牌' },
    });
    assert.equal(miss.json<{ matched: boolean }>().matched, false);
    for (const text of ['', '   ']) {
      const empty = await hub.request({ method: 'POST', url: '/api/v1/routing/dry-run', payload: { text } });
      assert.equal(empty.statusCode, 400);
      assert.equal(empty.json<ErrorJson>().code, 'HUB_ERR_VALIDATION');
    }
    assert.equal(await hub.app.store.tickets.count(), before);
  });

  it('admin: the calendar, SLA policies and per-department working hours, with bad input refused', async () => {
    const years = await hub.request({ method: 'GET', url: '/api/v1/calendar' });
    assert.deepEqual(
      years.json<{ year: number }[]>().map((y) => y.year),
      [2025, 2026],
    );
    const days = await hub.request({
      method: 'GET',
      url: '/api/v1/calendar/days?from=2026-02-13&to=2026-02-16',
    });
    assert.deepEqual(
      days.json<{ days: { kind: string }[] }>().days.map((d) => d.kind),
      ['workday', 'makeup_workday', 'holiday', 'holiday'],
    );

    const badYear = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      payload: {
        source: 'test',
        holidays: [{ name: '元旦', from: '2027-01-03', to: '2027-01-01' }],
        makeupWorkdays: ['2027-01-06'],
      },
    });
    assert.equal(badYear.statusCode, 400);
    assert.deepEqual(
      badYear.json<ErrorJson>().details?.problems?.map((p) => p.path),
      ['/holidays/0/to', '/makeupWorkdays/0'],
    );
    const year2027 = await hub.request({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      payload: {
        source: '国务院办公厅通知（测试）',
        holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
        makeupWorkdays: [],
      },
    });
    assert.equal(year2027.statusCode, 200);
    const newYear = await hub.request({
      method: 'GET',
      url: '/api/v1/calendar/days?from=2027-01-01&to=2027-01-01',
    });
    assert.deepEqual(newYear.json<{ covered: boolean; days: { kind: string; name?: string }[] }>(), {
      covered: true,
      days: [{ date: '2027-01-01', kind: 'holiday', working: false, name: '元旦' }],
    });

    const badPolicy = await hub.request({
      method: 'PUT',
      url: '/api/v1/sla/policies/x',
      payload: {
        name: 'x',
        order: 1,
        match: {},
        clocks: { sign: { amount: 1, unit: 'hours' } },
        thresholds: { yellow: 0.8, red: 0.5 },
      },
    });
    assert.equal(badPolicy.statusCode, 400);
    assert.deepEqual(
      badPolicy.json<ErrorJson>().details?.problems?.map((p) => p.path),
      ['/thresholds/red'],
    );
    const badUnit = await hub.request({
      method: 'PUT',
      url: '/api/v1/sla/policies/x',
      payload: {
        name: 'x',
        order: 1,
        match: {},
        clocks: { sign: { amount: 1, unit: 'fortnights' } },
        thresholds: { yellow: 0.5, red: 0.8 },
      },
    });
    assert.equal(badUnit.statusCode, 400);

    // The urgent policy signs in 2 working hours of the lead department's own working hours.
    await hub.request({
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: {
        id: 'manholes',
        name: '井盖',
        order: 5,
        conditions: { keywords: { any: ['井盖'] } },
        actions: { leadDepartment: 'CGJ', priority: 'urgent' },
      },
    });
    const signDue = async (): Promise<string | undefined> => {
      const dry = await hub.request({
        method: 'POST',
        url: '/api/v1/routing/dry-run',
        payload: { text: '井盖丢了', at: '2026-03-10T20:00:00+08:00' },
      });
      return dry.json<{ sla: { dueAt: Record<string, string> } }>().sla.dueAt.sign;
    };
    assert.equal(await signDue(), '2026-03-11T03:00:00.000Z'); // Wednesday 11:00 in office hours
    const overlapping = await hub.request({
      method: 'PUT',
      url: '/api/v1/departments/CGJ/working-hours',
      payload: {
        workingHours: [
          { from: '08:00', to: '12:00' },
          { from: '11:00', to: '22:00' },
        ],
      },
    });
    assert.equal(overlapping.statusCode, 400);
    assert.deepEqual(
      overlapping.json<ErrorJson>().details?.problems?.map((p) => p.path),
      ['/workingHours/1/from'],
    );
    const hours = await hub.request({
      method: 'PUT',
      url: '/api/v1/departments/CGJ/working-hours',
      payload: { workingHours: [{ from: '08:00', to: '22:00' }] },
    });
    assert.equal(hours.statusCode, 200);
    assert.equal(await signDue(), '2026-03-10T14:00:00.000Z'); // the same evening, 22:00
    const unknown = await hub.request({
      method: 'PUT',
      url: '/api/v1/departments/NOPE/working-hours',
      payload: { workingHours: [{ from: '08:00', to: '22:00' }] },
    });
    assert.equal(unknown.statusCode, 404);
  });

  it('only admins change rules; departments do not see routing', async () => {
    const operator = await issueToken(hub, 'operator');
    const denied = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: { ...RULE, id: 'x' },
      token: operator,
    });
    assert.equal(denied.statusCode, 403);
    const department = await issueToken(hub, 'department', 'CGJ');
    const hidden = await hub.request({
      method: 'POST',
      url: '/api/v1/routing/dry-run',
      payload: { text: '路灯' },
      token: department,
    });
    assert.equal(hidden.statusCode, 403);
  });
});

describe('dispatch flows: return, parallel handling, extension, pause, satisfaction', () => {
  let hub: TestHub;
  let operator: string;
  let supervisor: string;
  const dept: Record<string, string> = {};
  before(async () => {
    hub = await startHub();
    operator = await issueToken(hub, 'operator');
    supervisor = await issueToken(hub, 'supervisor');
    for (const code of ['ZJJ', 'CGJ', 'STJ']) dept[code] = await issueToken(hub, 'department', code);
  });
  after(async () => {
    await hub.close();
  });

  async function dispatched(body: Record<string, unknown> = {}): Promise<string> {
    const { number } = await openTicket(hub);
    const response = await command(hub, number, 'dispatch', { department: 'ZJJ', ...body }, operator);
    assert.equal(response.statusCode, 200, response.body);
    return number;
  }

  it('a return needs a reason; returned twice (the default limit) → flagged for supervision', async () => {
    const number = await dispatched();
    const missing = await command(hub, number, 'return', { basis: '三定方案' }, dept.ZJJ);
    assert.equal(missing.statusCode, 400);
    assert.equal((await ticket(hub, number)).status, 'dispatched');

    const first = await command(
      hub,
      number,
      'return',
      { reason: '不属于我局职责', basis: '三定方案' },
      dept.ZJJ,
    );
    assert.equal(first.json<TicketJson>().status, 'return_review');
    assert.equal(first.json<TicketJson>().supervision.flagged, false);
    // Return review: the hotline refuses the return; the ticket goes back.
    const refused = await command(hub, number, 'refuse_return', { reason: '属于职责范围' }, operator);
    assert.equal(refused.json<TicketJson>().status, 'dispatched');
    const second = (
      await command(hub, number, 'return', { reason: '仍不属于', basis: '三定方案' }, dept.ZJJ)
    ).json<TicketJson>();
    assert.equal(second.returnCount, 2);
    assert.equal(second.supervision.flagged, true);
    assert.deepEqual(
      second.supervision.flags.map((f) => f.kind),
      ['returned'],
    );
    assert.ok(second.outbox.some((o) => o.audience === 'supervisor' && o.template === 'supervision.flagged'));
    // Re-dispatch (改派) after review.
    const moved = await command(hub, number, 'transfer', { department: 'CGJ', reason: '改派城管' }, operator);
    assert.equal(moved.json<TicketJson>().leadDepartment, 'CGJ');
    const list = await hub.request({ method: 'GET', url: '/api/v1/supervision', token: supervisor });
    assert.ok(
      list
        .json<{ items: { number: string; supervised: boolean }[] }>()
        .items.some((t) => t.number === number && t.supervised),
    );
  });

  it('parallel handling: each co-department signs and answers by its own deadline; the lead waits or overrides', async () => {
    const number = await dispatched({ coDepartments: ['CGJ', 'STJ'] });
    const view = await ticket(hub, number);
    assert.deepEqual(
      view.coDepartments.map((c) => [c.department, c.status]),
      [
        ['CGJ', 'pending'],
        ['STJ', 'pending'],
      ],
    );
    assert.ok(
      view.coDepartments.every((c) => c.dueAt !== undefined),
      'each co-department has its own deadline',
    );
    assert.ok(view.outbox.some((o) => o.template === 'department.co_ticket' && o.department === 'STJ'));

    await command(hub, number, 'sign', {}, dept.ZJJ);
    assert.equal(
      (await command(hub, number, 'co_sign', {}, dept.ZJJ)).statusCode,
      403,
      'the lead is no co-department',
    );
    assert.equal((await command(hub, number, 'co_sign', {}, dept.CGJ)).statusCode, 200);
    assert.equal(
      (await command(hub, number, 'co_answer', { text: '城管意见：已核实' }, dept.CGJ)).statusCode,
      200,
    );
    assert.equal((await command(hub, number, 'co_answer', { text: '再答' }, dept.CGJ)).statusCode, 409);

    const blocked = await command(hub, number, 'reply', { text: '已处理' }, dept.ZJJ);
    assert.equal(blocked.statusCode, 409);
    assert.equal(blocked.json<ErrorJson>().code, 'HUB_ERR_CO_DEPARTMENTS_PENDING');
    assert.deepEqual(blocked.json<ErrorJson>().details?.pending, ['STJ']);

    const overridden = await command(
      hub,
      number,
      'reply',
      { text: '已处理', overrideReason: '生态环境局逾期未复' },
      dept.ZJJ,
    );
    assert.equal(overridden.statusCode, 200);
    const replied = overridden.json<TicketJson>();
    assert.deepEqual(replied.events.at(-1)?.data?.override, {
      reason: '生态环境局逾期未复',
      pending: ['STJ'],
    });
    assert.equal(replied.coDepartments.find((c) => c.department === 'CGJ')?.opinion, '城管意见：已核实');
    // The answer stops the department clocks and starts the callback clock.
    assert.equal(replied.sla.clocks.completion?.state, 'stopped');
    assert.equal(replied.sla.clocks.callback?.state, 'running');
  });

  it('an extension needs approval and tells the citizen the new date', async () => {
    const number = await dispatched();
    await command(hub, number, 'sign', {}, dept.ZJJ);
    const before = await ticket(hub, number);
    const requested = await command(
      hub,
      number,
      'request_extension',
      { workingDays: 3, reason: '需现场勘查' },
      dept.ZJJ,
    );
    assert.equal(requested.json<TicketJson>().sla.extension?.status, 'pending');
    assert.equal(
      (await command(hub, number, 'approve_extension', {}, operator)).statusCode,
      403,
      'supervisors approve',
    );
    const approved = (
      await command(hub, number, 'approve_extension', { text: '同意延期' }, supervisor)
    ).json<TicketJson>();
    assert.equal(approved.sla.extension?.status, 'approved');
    const newDue = approved.sla.clocks.completion?.dueAt ?? '';
    assert.ok(newDue > (before.sla.clocks.completion?.dueAt ?? ''));
    assert.equal(approved.sla.extension.dueAt, newDue);
    const event = approved.events.at(-1);
    assert.equal(event?.type, 'extension_approved');
    assert.equal(event.data?.dueAt, newDue);
    assert.ok(approved.outbox.some((o) => o.audience === 'citizen' && o.template === 'extension_approved'));
    const again = await command(hub, number, 'approve_extension', {}, supervisor);
    assert.equal(again.json<ErrorJson>().code, 'HUB_ERR_INVALID_STATE');
  });

  it('a pause for a hearing stops the completion clock; resuming moves its due time', async () => {
    const number = await dispatched();
    await command(hub, number, 'sign', {}, dept.ZJJ);
    const paused = (
      await command(hub, number, 'pause_clock', { pauseReason: 'hearing', text: '组织听证' }, dept.ZJJ)
    ).json<TicketJson>();
    assert.equal(paused.sla.clocks.completion?.state, 'paused');
    assert.equal(paused.sla.pause?.reason, 'hearing');
    const resumed = (await command(hub, number, 'resume_clock', {}, dept.ZJJ)).json<TicketJson>();
    assert.equal(resumed.sla.clocks.completion?.state, 'running');
    assert.ok(resumed.sla.clocks.completion.dueAt >= paused.sla.clocks.completion.dueAt);
    // Waiting for the citizen is `ask` / `resume`, not the hearing pause.
    await command(hub, number, 'ask', { text: '请提供照片' }, dept.ZJJ);
    assert.equal((await ticket(hub, number)).sla.pause?.reason, 'citizen');
    assert.equal((await command(hub, number, 'resume_clock', {}, dept.ZJJ)).statusCode, 409);
  });

  it('satisfaction: satisfied closes; dissatisfied reopens (the default)', async () => {
    const rated = async (value: string): Promise<TicketJson> => {
      const number = await dispatched();
      await command(hub, number, 'sign', {}, dept.ZJJ);
      await command(hub, number, 'reply', { text: '已修复' }, dept.ZJJ);
      const response = await command(hub, number, 'rate', { value, comment: '回访记录' }, operator);
      assert.equal(response.statusCode, 200, response.body);
      return response.json<TicketJson>();
    };
    const satisfied = await rated('basically_satisfied');
    assert.equal(satisfied.status, 'closed');
    assert.equal(satisfied.rating?.value, 'basically_satisfied');
    assert.equal(satisfied.sla.clocks.callback?.state, 'stopped');
    const unhappy = await rated('dissatisfied');
    assert.equal(unhappy.status, 'reopened');
    const bad = await command(hub, unhappy.number, 'rate', { value: 'meh' }, operator);
    assert.equal(bad.statusCode, 400);
  });
});

describe('satisfaction with DISSATISFIED_ACTION=supervise', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub({ DISSATISFIED_ACTION: 'supervise', RUN_WORKERS: 'false' });
  });
  after(async () => {
    await hub.close();
  });

  it('closes the ticket and flags it for supervision', async () => {
    const { number } = await openTicket(hub);
    await command(hub, number, 'dispatch', { department: 'ZJJ' });
    await command(hub, number, 'sign', {});
    await command(hub, number, 'reply', { text: '已答复' });
    const rated = (await command(hub, number, 'rate', { value: 'dissatisfied' })).json<TicketJson>();
    assert.equal(rated.status, 'closed');
    assert.deepEqual(
      rated.supervision.flags.map((f) => f.kind),
      ['dissatisfied'],
    );
    assert.ok(rated.outbox.some((o) => o.audience === 'supervisor'));
  });
});

function omitId<T extends { id: string }>(rule: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = rule;
  return rest;
}
