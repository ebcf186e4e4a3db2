import { normalisePhone } from '../privacy/phone.js';
import { newId } from '../store/ids.js';
import type { Actor, Ticket } from '../tickets/types.js';
import { writeTicket } from '../tickets/write-ticket.js';
import type { IvrDeps } from './deps.js';

/**
 * Voicemail → ticket. The provider reports a stored recording (and later, maybe, its transcript);
 * the recording becomes a ticket through the core's intake with channel `ivr`, keyed by the
 * recording id, so a replayed report finds the first ticket. The recording's URL is the ticket's
 * attachment: the message itself is never copied, never lost. A transcript adds its text to that
 * ticket once; one that arrives before the recording report makes the ticket itself.
 */

export interface RecordingReport {
  callSid: string;
  recordingId: string;
  recordingUrl?: string;
  durationSeconds?: number;
  /** Only `completed` recordings make tickets; `absent` means nothing was said. */
  status: 'completed' | 'absent' | 'failed';
}

export interface TranscriptReport {
  callSid: string;
  recordingId: string;
  recordingUrl?: string;
  text?: string;
  status: 'completed' | 'failed';
}

export type RecordingOutcome = { outcome: 'created' | 'replayed'; number: string } | { outcome: 'ignored' };

export async function ticketFromRecording(deps: IvrDeps, report: RecordingReport): Promise<RecordingOutcome> {
  const { calls } = deps.store;
  const at = deps.now();
  // Written first, once per recording: even if intake fails now, the call's record keeps the reference.
  await calls.appendEvent(
    { callSid: report.callSid, type: 'recording', at, detail: `${report.recordingId}:${report.status}` },
    `recording:${report.recordingId}`,
  );
  if (report.status !== 'completed' || !report.recordingUrl) return { outcome: 'ignored' };
  const call = await calls.find(report.callSid);
  const phone = call?.from ? normalisePhone(call.from) : undefined;
  const seconds = report.durationSeconds ?? 0;
  const result = await deps.intake(
    {
      channel: 'ivr',
      idempotencyKey: report.recordingId,
      sender: { ...(phone ? { phone } : {}), language: 'zh-CN' },
      text: `电话留言（录音${String(seconds)}秒），请收听录音。`,
      attachments: [
        { ref: report.recordingUrl, name: `${report.recordingId}.wav`, contentType: 'audio/wav' },
      ],
      externalIds: [
        { name: 'CallSid', value: report.callSid },
        { name: 'RecordingSid', value: report.recordingId },
        { name: 'RecordingUrl', value: report.recordingUrl },
      ],
    },
    citizen(deps, phone, report.callSid),
  );
  await calls.linkTicket(report.callSid, result.ticket.number, at, 'voicemail');
  return { outcome: result.created ? 'created' : 'replayed', number: result.ticket.number };
}

export type TranscriptOutcome =
  { outcome: 'added' | 'replayed'; number: string } | { outcome: 'ignored' | 'no_ticket' };

export async function addTranscript(deps: IvrDeps, report: TranscriptReport): Promise<TranscriptOutcome> {
  const text = (report.text ?? '').replace(/\0/g, '').trim();
  if (report.status !== 'completed' || text === '') return { outcome: 'ignored' };
  let ticket = await deps.store.tickets.findBySourceKey(`ivr:${report.recordingId}`);
  if (!ticket && report.recordingUrl) {
    const made = await ticketFromRecording(deps, { ...report, status: 'completed' });
    if (made.outcome !== 'ignored') ticket = await deps.store.tickets.findByNumber(made.number);
  }
  if (!ticket) return { outcome: 'no_ticket' };
  const number = ticket.number;
  const actor = ticket.events[0]?.actor ?? citizen(deps, undefined, report.callSid);
  const written = await writeTicket<'replayed'>(deps.core, number, (current) => {
    if (!current || hasTranscript(current, report.recordingId)) return { done: 'replayed' };
    const at = deps.now();
    return {
      change: {
        // In the body too: the department reads the body, and search and routing look at it.
        set: { body: `${current.body}\n录音转写：${text}` },
        event: {
          id: newId(),
          type: 'transcribed',
          fromStatus: current.status,
          toStatus: current.status,
          actor,
          channel: 'ivr',
          visibility: 'public',
          at,
          data: { recording: report.recordingId, text },
        },
        outbox: [],
      },
    };
  });
  return { outcome: 'ticket' in written ? 'added' : 'replayed', number };
}

function hasTranscript(ticket: Ticket, recordingId: string): boolean {
  return ticket.events.some((e) => e.type === 'transcribed' && e.data?.recording === recordingId);
}

/** The caller as an actor: their contact id (a keyed hash), never the phone itself. */
function citizen(deps: IvrDeps, phone: string | undefined, callSid: string): Actor {
  return { kind: 'citizen', id: phone ? deps.store.contacts.idFor({ phone }) : `call:${callSid}` };
}
