import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { command, deleteRedisKeys, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { killProcess, startWorkerProcess } from '../helpers/worker.js';

interface TicketJson {
  number: string;
  events: { type: string; data?: Record<string, unknown> }[];
  outbox: { template: string; audience: string; department?: string }[];
  supervision: { flagged: boolean; warning?: string; flags: { kind: string; clock?: string; at: string }[] };
  sla: { clocks: Record<string, { state: string; dueAt: string }> };
}

/** A policy whose completion clock runs out in `seconds`: timers can be watched firing. */
async function fastPolicy(hub: TestHub, code: string, seconds: number): Promise<void> {
  const response = await hub.request({
    method: 'PUT',
    url: `/api/v1/sla/policies/${code}`,
    payload: {
      name: `test ${code}`,
      order: 1_000_000,
      match: { categories: ['never-matches'] },
      clocks: { completion: { amount: seconds / 3600, unit: 'hours' } },
      thresholds: { yellow: 0.5, red: 0.8 },
    },
  });
  assert.equal(response.statusCode, 200, response.body);
}

async function dispatchedOn(hub: TestHub, policy: string): Promise<TicketJson> {
  const { number } = await openTicket(hub);
  const response = await command(hub, number, 'dispatch', { department: 'ZJJ', slaPolicy: policy });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<TicketJson>();
}

async function view(hub: TestHub, number: string): Promise<TicketJson> {
  return (await hub.request({ method: 'GET', url: `/api/v1/tickets/${number}` })).json<TicketJson>();
}

function count(ticket: TicketJson, type: string): number {
  return ticket.events.filter((e) => e.type === type).length;
}

async function until(hub: TestHub, number: string, test: (t: TicketJson) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ticket = await view(hub, number);
    if (test(ticket)) return ticket;
    if (Date.now() > deadline)
      throw new Error(`timed out; events: ${ticket.events.map((e) => e.type).join(',')}`);
    await sleep(100);
  }
}

describe('SLA timers in the HTTP process', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
    await fastPolicy(hub, 'fast', 2.5);
  });
  after(async () => {
    await hub.close();
  });

  it('yellow, red and overdue fire once each: events, 督办 flag, outbox for department and supervisors', async () => {
    const { number } = await dispatchedOn(hub, 'fast');
    const done = await until(hub, number, (t) => count(t, 'sla_overdue') > 0);
    await sleep(1500);
    const settled = await view(hub, number);
    assert.deepEqual(
      ['sla_yellow', 'sla_red', 'sla_overdue'].map((type) => count(settled, type)),
      [1, 1, 1],
    );
    assert.equal(settled.events.length, done.events.length, 'nothing fired after overdue');
    assert.equal(settled.supervision.warning, 'overdue');
    assert.deepEqual(settled.supervision.flags, [
      { kind: 'overdue', clock: 'completion', at: settled.supervision.flags[0]?.at },
    ]);
    const overdueMail = settled.outbox.filter((o) => o.template === 'sla.overdue');
    assert.deepEqual(overdueMail.map((o) => [o.audience, o.department]).sort(), [
      ['department', 'ZJJ'],
      ['supervisor', undefined],
    ]);
    const list = await hub.request({ method: 'GET', url: '/api/v1/supervision' });
    assert.ok(
      list
        .json<{ items: { number: string; warning?: string }[] }>()
        .items.some((t) => t.number === number && t.warning === 'overdue'),
    );
  });

  it('a paused clock fires nothing; after resuming its new timers fire once (older job versions are stale)', async () => {
    const { number } = await dispatchedOn(hub, 'fast');
    await command(hub, number, 'sign', {});
    await command(hub, number, 'pause_clock', { pauseReason: 'expert_review', text: '专家论证' });
    await sleep(3500); // past the original due time
    assert.equal((await view(hub, number)).events.filter((e) => e.type.startsWith('sla_')).length, 0);
    await command(hub, number, 'resume_clock', {});
    await until(hub, number, (t) => count(t, 'sla_overdue') > 0);
    await sleep(1500);
    const settled = await view(hub, number);
    assert.deepEqual(
      ['sla_yellow', 'sla_red', 'sla_overdue'].map((type) => count(settled, type)),
      [1, 1, 1],
    );
  });

  it('a clock stopped in time never fires', async () => {
    const { number } = await dispatchedOn(hub, 'fast');
    await command(hub, number, 'sign', {});
    await command(hub, number, 'reply', { text: '已办结' });
    await sleep(3500);
    const settled = await view(hub, number);
    assert.equal(settled.events.filter((e) => e.type.startsWith('sla_')).length, 0);
    assert.equal(settled.supervision.flagged, false);
  });
});

describe('SLA timers in a separate worker process that is killed and restarted', () => {
  let hub: TestHub;
  let worker: ChildProcess | undefined;
  before(async () => {
    hub = await startHub({ RUN_WORKERS: 'false' });
    await fastPolicy(hub, 'fast', 3);
  });
  after(async () => {
    worker?.kill('SIGKILL');
    await hub.close();
  });

  const startWorker = (): Promise<ChildProcess> => startWorkerProcess(hub);
  const kill = killProcess;

  it('killed before the due time while Redis lost the jobs: the restarted worker reconciles and fires once', async () => {
    worker = await startWorker();
    const { number } = await dispatchedOn(hub, 'fast');
    await kill(worker);
    // Redis forgets the timer jobs (as after a restart without persistence).
    await deleteRedisKeys(hub.config.redisUrl, `${hub.config.redisPrefix}:bull:sla-timers:`);
    await sleep(3500);
    assert.equal((await view(hub, number)).events.filter((e) => e.type.startsWith('sla_')).length, 0);
    worker = await startWorker();
    await until(hub, number, (t) => count(t, 'sla_overdue') > 0);
    await sleep(1500);
    const settled = await view(hub, number);
    assert.equal(count(settled, 'sla_overdue'), 1);
    // Late, all stages are due at once; each fires at most once (overdue implies the warnings).
    assert.ok(count(settled, 'sla_yellow') <= 1 && count(settled, 'sla_red') <= 1);
    await kill(worker);
    worker = undefined;
  });

  for (const offsetMs of [-150, 0, 40]) {
    it(`killed ${String(offsetMs)} ms from the due time and restarted: fires exactly once`, async () => {
      worker = await startWorker();
      const ticket = await dispatchedOn(hub, 'fast');
      const dueAt = Date.parse(ticket.sla.clocks.completion?.dueAt ?? '');
      await sleep(Math.max(0, dueAt + offsetMs - Date.now()));
      await kill(worker);
      worker = await startWorker();
      await until(hub, ticket.number, (t) => count(t, 'sla_overdue') > 0);
      await sleep(1500);
      const settled = await view(hub, ticket.number);
      assert.equal(count(settled, 'sla_overdue'), 1);
      assert.deepEqual(
        ['sla_yellow', 'sla_red'].map((type) => count(settled, type)),
        [1, 1],
      );
      await kill(worker);
      worker = undefined;
    });
  }
});
