import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery } from '../../src/store/deliveries.js';
import { deleteRedisKeys, type TestHub } from '../helpers/hub.js';
import {
  deliveryOfCallback,
  eventually,
  providerEnv,
  startNotifyHub,
  startSinks,
  type Sinks,
} from '../helpers/notify.js';
import { killProcess, startWorkerProcess } from '../helpers/worker.js';

const SETTLED: ('sent' | 'delivered')[] = ['sent', 'delivered'];

/** How many times each delivery id reached the fake Twilio. */
function sendsPerDelivery(sinks: Sinks): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sinks.twilio.messages) {
    const id = deliveryOfCallback(message.statusCallback) ?? `unknown:${message.sid}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** `count` tickets from distinct phones, each with its "received" SMS queued (no worker runs yet). */
async function openTickets(hub: TestHub, count: number, firstPhone: number): Promise<string[]> {
  const numbers: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
        const phone = String(firstPhone + i + j);
        const result = await hub.app.tickets.intake(
          { channel: 'sms', idempotencyKey: `SM-crash-${phone}`, sender: { phone }, text: '路灯不亮' },
          { kind: 'citizen', id: phone },
        );
        return result.ticket.number;
      }),
    );
    numbers.push(...batch);
  }
  return numbers;
}

/** One ticket with its received SMS queued, and that notice's outbox entry. */
async function openOneTicket(hub: TestHub, phone: number): Promise<{ number: string; entryId: string }> {
  const [number] = await openTickets(hub, 1, phone);
  assert.ok(number);
  const entryId = Object.keys((await hub.app.store.tickets.findByNumber(number))?.outbox ?? {})[0];
  assert.ok(entryId);
  return { number, entryId };
}

/** The ticket's one delivery, once it is in the provider's hands (a stalled job takes ~15 s). */
async function handedOver(hub: TestHub, number: string): Promise<Delivery> {
  return eventually(
    async () => {
      const [found] = await hub.app.store.deliveries.forTicket(number);
      return found && SETTLED.includes(found.status as 'sent') ? found : undefined;
    },
    `the delivery of ${number}`,
    60_000,
  );
}

async function settledCount(hub: TestHub): Promise<number> {
  return hub.app.store.deliveries.model.countDocuments({ status: { $in: SETTLED } });
}

describe('nothing lost, nothing sent twice', () => {
  let sinks: Sinks;
  let hub: TestHub;
  let worker: ChildProcess | undefined;
  const workerEnv = (): Record<string, string> => ({
    ...providerEnv(sinks),
    QUIET_HOURS: '',
    NOTIFY_THROTTLE_MS: '0',
    NOTIFY_RECONCILE_MS: '2000',
    NOTIFY_RECONCILE_GRACE_MS: '3000',
  });

  before(async () => {
    sinks = await startSinks({ latencyMs: 2 });
    hub = await startNotifyHub(sinks, { RUN_WORKERS: 'false' });
  });
  after(async () => {
    if (worker) await killProcess(worker);
    await hub.close();
    await sinks.close();
  });

  it('a worker SIGKILLed in the middle of a 2,000-message batch: after restart each entry reaches the provider exactly once', async () => {
    await openTickets(hub, 2000, 13_700_000_000);
    worker = await startWorkerProcess(hub, workerEnv());
    await eventually(
      () => (sinks.twilio.messages.length >= 600 ? true : undefined),
      '600 messages sent',
      60_000,
    );
    await killProcess(worker);
    const atKill = sinks.twilio.messages.length;
    assert.ok(atKill < 2000, `the kill came mid-batch (${String(atKill)} sent)`);
    // Jobs the dead worker held stay locked until their lock expires; the new worker takes them over.
    worker = await startWorkerProcess(hub, workerEnv());
    await eventually(
      async () => ((await settledCount(hub)) >= 2000 ? true : undefined),
      '2,000 settled deliveries',
      120_000,
    );
    await sleep(500);
    const counts = sendsPerDelivery(sinks);
    assert.equal(counts.size, 2000);
    assert.deepEqual(
      [...counts].filter(([, n]) => n !== 1),
      [],
    );
    assert.equal(sinks.twilio.messages.length, 2000);
    const recovered = await hub.app.store.deliveries.attemptModel.countDocuments({ kind: 'recovered' });
    console.log(
      `crash test: ${String(atKill)} sent before the kill, ${String(recovered)} found at the provider after it`,
    );
    await killProcess(worker);
    worker = undefined;
  });

  it('Redis loses every key in the middle: the reconciler re-queues and nothing is lost or sent twice', async () => {
    const before = sinks.twilio.messages.length;
    const settledBefore = await settledCount(hub);
    const numbers = await openTickets(hub, 500, 13_800_000_000);
    worker = await startWorkerProcess(hub, workerEnv());
    await eventually(
      () => (sinks.twilio.messages.length >= before + 150 ? true : undefined),
      '150 messages sent',
      60_000,
    );
    // All of this hub's keys: the queued jobs, locks, sequences — as a Redis restarted without persistence.
    await deleteRedisKeys(hub.config.redisUrl, `${hub.config.redisPrefix}:`);
    await eventually(
      async () => ((await settledCount(hub)) >= settledBefore + 500 ? true : undefined),
      'all 500 settled',
      120_000,
    );
    await sleep(500);
    const counts = sendsPerDelivery(sinks);
    assert.equal(counts.size, before + 500);
    assert.deepEqual(
      [...counts].filter(([, n]) => n !== 1),
      [],
    );
    for (const number of numbers.slice(0, 20)) {
      const [delivery] = await hub.app.store.deliveries.forTicket(number);
      assert.ok(
        delivery && (delivery.status === 'sent' || delivery.status === 'delivered'),
        `${number} delivered`,
      );
    }
    // Every ticket's notifications settled: the reconciler's marks are gone.
    await eventually(
      async () => ((await hub.app.store.outboxMarks.count()) === 0 ? true : undefined),
      'marks cleared',
      30_000,
    );
    // Each test below starts its own worker: this one must not take their jobs.
    await killProcess(worker);
    worker = undefined;
  });

  it('a worker killed after the provider took an SMS, before its record was written: the next run finds it there and sends nothing', async () => {
    const before = sinks.twilio.messages.length;
    const { number, entryId } = await openOneTicket(hub, 13_900_000_000);
    // The relay's job: ids only (no phone number, no body), marked as the entry's first.
    const job = await hub.app.queues.get('notify-sms')?.getJob(entryId);
    assert.deepEqual(job?.data, { ticketId: number, outboxEntryId: entryId, fresh: true });
    // Twilio has the message; the worker dies before its answer arrives, so it cannot record it.
    let killed: Promise<void> | undefined;
    const first = startWorkerProcess(hub, workerEnv());
    sinks.twilio.onMessage = async () => {
      killed ??= first.then(killProcess);
      await killed;
    };
    try {
      await first;
      await eventually(() => (killed ? true : undefined), 'the SMS at the provider', 30_000);
      await killed;
    } finally {
      sinks.twilio.onMessage = undefined;
    }
    assert.equal(sinks.twilio.messages.length, before + 1);
    assert.deepEqual(await hub.app.store.deliveries.forTicket(number), [], 'no record of the send');
    // Its job is taken over once its lock runs out; that run is not the first, finds no record, asks
    // Twilio, and records what Twilio has.
    worker = await startWorkerProcess(hub, workerEnv());
    const delivery = await handedOver(hub, number);
    await sleep(500);
    const sent = sinks.twilio.messages.at(-1);
    assert.equal(sinks.twilio.messages.length, before + 1, 'sent once');
    assert.equal(delivery.providerId, sent?.sid);
    const attempts = await hub.app.store.deliveries.attemptsOf(delivery.id);
    assert.deepEqual(
      attempts.map((a) => [a.kind, a.status, a.providerId]),
      [['recovered', 'sent', sent?.sid]],
    );
    await killProcess(worker);
    worker = undefined;
  });

  it('an entry whose job came back from Redis in part, without its data, is queued afresh and sent once', async () => {
    const before = sinks.twilio.messages.length;
    const { number, entryId } = await openOneTicket(hub, 13_900_000_100);
    // What a Redis that lost a running job's keys can leave: the job id with no data and no options.
    const queue = hub.app.queues.get('notify-sms');
    await (await queue?.getJob(entryId))?.remove();
    await queue?.add('received', {} as never, { jobId: entryId });
    worker = await startWorkerProcess(hub, workerEnv());
    // The worker fails it instead of completing it; the reconciler then replaces it.
    const delivery = await handedOver(hub, number);
    await sleep(500);
    assert.equal(sinks.twilio.messages.length, before + 1);
    assert.equal(sinks.twilio.messages.at(-1)?.sid, delivery.providerId);
    await killProcess(worker);
    worker = undefined;
  });
});
