import { HubErrors } from '../../errors.js';
import { dialable } from '../../ivr/flows/directory.js';
import { spellDigits } from '../../ivr/speech.js';
import type { Store } from '../../store/store.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import type { Actor } from '../../tickets/types.js';
import type { CallControl } from './call-control.js';
import { blindTransferTwiml, conferenceTwiml, type Speech } from './transfer-twiml.js';

export const CALL_STATUS_PATH = '/webhooks/twilio/voice/call-status';
export const WHISPER_PATH = '/webhooks/twilio/voice/whisper';
export const TRANSFER_RESULT_PATH = '/webhooks/twilio/voice/transfer-result';

export interface TransferDeps {
  store: Pick<Store, 'calls' | 'departments' | 'tickets'>;
  /** Undefined without Twilio: there are no live calls to act on then. */
  control: CallControl | undefined;
  settings: { publicUrl: string; callerId: string | undefined; speech: Speech };
  now: () => Date;
}

export interface TransferRequest {
  callSid: string;
  /** `blind`: the caller goes straight to the department. `warm`: a three-way conference first. */
  mode: 'blind' | 'warm';
  department: string;
  /** The ticket the call is about: linked to the call and announced to the department. */
  ticket?: string;
  /** Warm only: the operator's own leg, moved into the conference with the caller. */
  operatorCallSid?: string;
}

export interface TransferResult {
  mode: 'blind' | 'warm';
  department: string;
  ticket?: string;
  /** Warm: the conference room and the department's new leg. */
  room?: string;
  departmentCallSid?: string;
}

/**
 * An operator hands a live caller to a department (转接). Checked before anything moves: the call is
 * ours and still going, the department is active and has a line, the ticket (if any) exists. Then
 * the call is linked to the ticket and redirected — blind: `<Dial>` the department with a whisper
 * saying the ticket number to it; warm: caller and operator into one conference, the department
 * called into it, and the operator leaves when they are ready. Every step lands on the call's path.
 */
export async function transferCall(
  deps: TransferDeps,
  request: TransferRequest,
  actor: Actor,
): Promise<TransferResult> {
  const { control, settings } = deps;
  const call = await deps.store.calls.find(request.callSid);
  if (!call) throw new HubErrors.NotFound();
  if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status))
    throw new HubErrors.CallNotLive(request.callSid);
  const department = await deps.store.departments.findActive(request.department);
  if (!department) throw new HubErrors.DepartmentNotFound(request.department);
  const line = dialable(department.phones);
  if (!line) throw new HubErrors.Validation(`department ${department.code} has no phone line to transfer to`);
  if (request.ticket !== undefined) await checkTicket(deps, request.ticket);
  if (!control || !settings.callerId) throw new HubErrors.TelephonyUnconfigured('live calls need Twilio');

  const at = deps.now();
  if (request.ticket !== undefined)
    await deps.store.calls.linkTicket(call.callSid, request.ticket, at, `operator:${actor.id}`);
  const base = { mode: request.mode, department: department.code, ticket: request.ticket };
  if (request.mode === 'blind') {
    await control.redirect(call.callSid, blindTwiml(deps, line, department.name, request.ticket));
    await note(deps, call.callSid, 'transfer_blind', department.code, request.ticket, actor);
    return base;
  }
  const room = `transfer-${call.callSid}`;
  const statusCallback = `${settings.publicUrl}${CALL_STATUS_PATH}?parent=${encodeURIComponent(call.callSid)}`;
  await control.redirect(
    call.callSid,
    conferenceTwiml({
      room,
      announcement: `正在为您转接${department.name}，请稍候。`,
      endsRoomOnExit: true,
      statusCallback,
      speech: settings.speech,
    }),
  );
  if (request.operatorCallSid)
    await control.redirect(
      request.operatorCallSid,
      conferenceTwiml({ room, endsRoomOnExit: false, statusCallback, speech: settings.speech }),
    );
  const leg = await control.invite(room, {
    from: settings.callerId,
    to: line,
    label: 'department',
    statusCallback,
  });
  await deps.store.calls.start({
    callSid: leg.callSid,
    direction: 'outbound',
    to: line,
    parentCallSid: call.callSid,
    status: 'queued',
    startedAt: at,
  });
  await note(deps, call.callSid, 'transfer_warm', department.code, request.ticket, actor);
  return { ...base, room, departmentCallSid: leg.callSid };
}

async function checkTicket(deps: TransferDeps, number: string): Promise<void> {
  if (!isValidTicketNumber(number)) throw new HubErrors.Validation(`${number} is not a ticket number`);
  if (!(await deps.store.tickets.findByNumber(number))) throw new HubErrors.TicketNotFound(number);
}

function blindTwiml(
  deps: TransferDeps,
  line: string,
  departmentName: string,
  ticket: string | undefined,
): string {
  const { publicUrl, callerId, speech } = deps.settings;
  const whisper = new URLSearchParams(ticket ? { t: ticket } : {});
  return blindTransferTwiml({
    announcement: `正在为您转接${departmentName}，请稍候。`,
    to: line,
    callerId: callerId ?? '',
    whisperUrl: `${publicUrl}${WHISPER_PATH}${whisper.size > 0 ? `?${whisper.toString()}` : ''}`,
    actionUrl: `${publicUrl}${TRANSFER_RESULT_PATH}`,
    speech,
  });
}

/** What the department hears before it is joined to the caller. */
export function whisperText(ticket: string | undefined): string {
  return ticket
    ? `这是12345热线转来的电话，工单号 ${spellDigits(ticket)}。请接听。`
    : '这是12345热线转来的电话，请接听。';
}

async function note(
  deps: TransferDeps,
  callSid: string,
  type: string,
  department: string,
  ticket: string | undefined,
  actor: Actor,
): Promise<void> {
  await deps.store.calls.appendEvent({
    callSid,
    type,
    at: deps.now(),
    detail: `${department} by ${actor.id}`,
    ...(ticket ? { ticket } : {}),
  });
}
