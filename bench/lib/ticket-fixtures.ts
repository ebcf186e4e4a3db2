import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Collection, Document } from 'mongodb';
import type { KeepAliveClient } from './http-client.js';
import type { Operation } from './load.js';

/**
 * What the load looks like: a realistic complaint (a few hundred bytes of Chinese text), so the raw
 * documents and the tickets the hub stores are of comparable size (~1–2 KB of BSON).
 */
const COMPLAINT =
  '小区门口的垃圾已经三天没人清运了，天气炎热，气味很大，还招来了很多苍蝇和老鼠。' +
  '居民多次向物业反映，物业说是环卫所的责任，环卫所又说归物业管，互相推诿。' +
  '希望有关部门尽快协调处理，安排车辆清运，并建立长效保洁机制，避免类似情况再次发生。' +
  '联系人白天上班，请下午六点以后电话联系。';
const DISTRICT = '130102';

/** A mainland mobile number (1[3-9]x xxxx xxxx); varied so intake creates and finds many contacts. */
function randomMobile(): string {
  const prefix = 13 + Math.floor(Math.random() * 7);
  return `${prefix}${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

/** Ticket intake over HTTP: every request its own Idempotency-Key, so every one creates a ticket. */
export function intakeOperation(client: KeepAliveClient, apiToken: string, runId: string): Operation {
  let sequence = 0;
  const baseHeaders: OutgoingHttpHeaders = {
    authorization: `Bearer ${apiToken}`,
    'content-type': 'application/json',
  };
  return () => {
    sequence++;
    const body = JSON.stringify({
      kind: 'complaint',
      body: COMPLAINT,
      contact: { phone: randomMobile() },
      location: { districtCode: DISTRICT },
    });
    return client.post(
      '/api/v1/tickets',
      { ...baseHeaders, 'idempotency-key': `${runId}-${sequence}` },
      body,
    );
  };
}

/** The indexes the raw collection gets: the two unique guards the real tickets collection has. */
export const RAW_INDEXES = [{ number: 1 }, { 'source.dedupeKey': 1 }] as const;

export async function createRawIndexes(collection: Collection): Promise<void> {
  for (const keys of RAW_INDEXES) await collection.createIndex(keys, { unique: true }, undefined);
}

/**
 * A document shaped like a freshly received ticket (src/tickets/intake.ts): nested location, event
 * timeline, outbox map and source block, with a unique number and a unique idempotency key.
 */
export function rawTicketDocument(runId: string, sequence: number): Document {
  const now = new Date();
  const eventId = randomUUID();
  const outboxId = randomUUID();
  const contactId = randomUUID();
  const idempotencyKey = `${runId}-raw-${sequence}`;
  return {
    number: `261121${String(sequence).padStart(8, '0')}`,
    numberDate: '261121',
    numberSeq: sequence,
    queryCode: String(sequence % 1_000_000).padStart(6, '0'),
    channel: 'api',
    kind: 'complaint',
    body: COMPLAINT,
    attachments: [],
    contactId,
    anonymous: false,
    location: { districtCode: DISTRICT },
    coDepartments: {},
    priority: 'normal',
    status: 'received',
    sla: {},
    events: [
      {
        id: eventId,
        type: 'received',
        toStatus: 'received',
        actor: { kind: 'staff', id: 'bootstrap-token', role: 'admin' },
        channel: 'api',
        visibility: 'public',
        at: now,
      },
    ],
    outbox: {
      [outboxId]: {
        id: outboxId,
        eventId,
        template: 'received',
        audience: 'citizen',
        contactId,
        status: 'pending',
        createdAt: now,
      },
    },
    disclosure: { public: false },
    source: {
      channel: 'api',
      idempotencyKey,
      dedupeKey: `api:${idempotencyKey}`,
      inboundId: randomUUID(),
      externalIds: [],
      receivedAt: now,
    },
    returnCount: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** One insertOne of a fresh ticket-shaped document; the sequence keeps `number` unique across levels. */
export function rawInsertOperation(collection: Collection, runId: string): Operation {
  let sequence = 0;
  return async () => {
    sequence++;
    await collection.insertOne(rawTicketDocument(runId, sequence));
    return true;
  };
}
