import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import { HubErrors } from '../../errors.js';
import { withLock } from '../../redis/lock.js';
import { CALL_STATUSES, callLockKey, type CallStatus } from '../../store/calls.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { callInput, type TwilioVoiceParams } from './ivr-input.js';
import { CALL_STATUS_PATH, TRANSFER_RESULT_PATH, WHISPER_PATH, whisperText } from './transfer.js';
import { backToOperatorsTwiml, hangUpTwiml, whisperTwiml } from './transfer-twiml.js';

interface CallStatusParams {
  CallSid?: string;
  CallStatus?: string;
  CallDuration?: string;
  DialCallStatus?: string;
}

/**
 * Twilio's side of operator transfers, every request signature-checked (missing 400, wrong 403):
 * - `call-status`: the call status callback of hotline calls and transfer legs → the call record
 *   (ringing / in-progress / completed, duration), forward only, one writer per call. An unknown
 *   CallSid is answered 200 and ignored, unless it is a transfer leg we are about to record;
 * - `whisper`: what the department hears before it is joined (the ticket number, digit by digit);
 * - `transfer-result`: the blind transfer's `<Dial>` ended — answered: the call ends; not answered:
 *   the caller hears so and waits for an operator again.
 */
export const transferWebhooks: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);
  const options = {
    preHandler: verifyTwilioSignature(config.twilioAuthToken, config.publicUrl),
    schema: { hide: true },
  };
  const speech = { language: config.ivr.language, voice: config.ivr.voice };
  const lock = { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs };

  app.post(CALL_STATUS_PATH, options, async (request, reply) => {
    const params = request.body as CallStatusParams;
    const status = params.CallStatus as CallStatus | undefined;
    if (!params.CallSid || !status || !CALL_STATUSES.includes(status))
      throw new HubErrors.BadRequest('CallSid and a known CallStatus are required');
    const callSid = params.CallSid;
    const duration = Number(params.CallDuration);
    const update = {
      status,
      at: new Date(),
      ...(Number.isInteger(duration) && duration >= 0 ? { durationSeconds: duration } : {}),
    };
    const parent = (request.query as { parent?: string }).parent;
    const outcome = await withLock(app.redis, callLockKey(callSid), lock, async () => {
      const result = await app.store.calls.recordStatus(callSid, update);
      if (result !== 'unknown' || !parent || !(await app.store.calls.find(parent))) return result;
      // A transfer leg reporting before the operator's request recorded it: record it now.
      await app.store.calls.start({
        callSid,
        direction: 'outbound',
        parentCallSid: parent,
        status: 'queued',
        startedAt: update.at,
      });
      return app.store.calls.recordStatus(callSid, update);
    });
    if (!outcome) throw new HubErrors.InvalidState(`call ${callSid} is being updated`);
    request.log.info({ call: callSid, status, outcome: outcome.value }, 'call status');
    // The operator console's live list follows the record (never throws).
    if (outcome.value === 'updated') await app.liveCalls.statusChanged(callSid);
    return reply.status(204).send();
  });

  app.post(WHISPER_PATH, options, async (request, reply) => {
    const ticket = (request.query as { t?: string }).t;
    void reply.type('text/xml');
    return whisperTwiml(whisperText(ticket && /^\d{11,16}$/.test(ticket) ? ticket : undefined), speech);
  });

  app.post(TRANSFER_RESULT_PATH, options, async (request, reply) => {
    const params = request.body as TwilioVoiceParams;
    const outcome = params.DialCallStatus ?? 'failed';
    if (params.CallSid)
      await app.store.calls.appendEvent({
        callSid: params.CallSid,
        type: 'transfer_result',
        at: new Date(),
        detail: outcome,
      });
    // The IVR's own reading of DialCallStatus: anything but answered sends the caller back.
    const answered = callInput(params)?.dialOutcome === 'answered';
    void reply.type('text/xml');
    return answered
      ? hangUpTwiml()
      : backToOperatorsTwiml(
          '转接的部门暂时无人接听，正在为您转回人工服务，请稍候。',
          config.ivr.operatorQueue,
          speech,
        );
  });
};
