import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { IvrDeps } from '../../ivr/deps.js';
import { enterCall, fallbackScript, runStep } from '../../ivr/engine.js';
import { MenuBook } from '../../ivr/menus.js';
import { addTranscript, ticketFromRecording } from '../../ivr/recording.js';
import { STEP_NAMES, type CallInput, type Script, type StepName } from '../../ivr/script.js';
import { decodeState } from '../../ivr/state.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { callInput, recordingReport, transcriptReport, type TwilioVoiceParams } from './ivr-input.js';
import {
  RECORDING_PATH,
  renderScript,
  TRANSCRIPTION_PATH,
  VOICE_PATH,
  type IvrRendering,
} from './ivr-twiml.js';

/**
 * The hotline IVR on Twilio: `POST /webhooks/twilio/voice` answers a call, `…/voice/<step>` each
 * key the caller presses (state in the signed query), `…/voice/recording` and `…/voice/transcription`
 * turn voicemails into tickets. Every request is signature-checked before anything is read or
 * stored (missing → 400, wrong → 403). A step that fails on our side still answers TwiML: the caller
 * hears that the system is busy and joins the operator queue, never Twilio's "application error".
 * Seeds the default menu on first start.
 */
export const ivrWebhooks: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(formbody);
  const menus = new MenuBook(app.store.ivrMenus);
  if (await menus.seed()) app.log.info('IVR: default menu stored as version 1');
  const deps: IvrDeps = {
    store: app.store,
    redis: app.redis,
    menus,
    intake: (message, actor) => app.tickets.intake(message, actor),
    core: app.tickets.deps,
    calendar: () => app.routingService.tables().calendar,
    settings: {
      operatorQueue: config.ivr.operatorQueue,
      queueMaxWaitSeconds: config.ivr.queueMaxWaitSeconds,
      transcribe: config.ivr.transcribe,
      hours: config.ivr.hours,
      timeZone: config.timezone,
    },
    now: () => new Date(),
  };
  const rendering: IvrRendering = {
    publicUrl: config.publicUrl,
    language: config.ivr.language,
    voice: config.ivr.voice,
  };
  const options = {
    preHandler: verifyTwilioSignature(config.twilioAuthToken, config.publicUrl),
    schema: { hide: true },
  };

  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    step: StepName | 'entry',
    run: (input: CallInput) => Promise<Script> | undefined,
  ): Promise<string> => {
    void reply.type('text/xml');
    const input = callInput(request.body as TwilioVoiceParams);
    if (!input) {
      void reply.status(400);
      return renderScript([], rendering);
    }
    try {
      const pending = run(input);
      const script = pending ? await pending : fallbackScript(config.ivr.operatorQueue);
      // The operator console's live list (entered, queued, left the queue); never throws.
      await app.liveCalls.ivrAnswered(input.callSid, step, script);
      return renderScript(script, rendering);
    } catch (error) {
      request.log.error({ err: error, call: input.callSid }, 'IVR step failed; caller sent to the operators');
      return renderScript(fallbackScript(config.ivr.operatorQueue), rendering);
    }
  };

  app.post(VOICE_PATH, options, async (request, reply) =>
    answer(request, reply, 'entry', (input) => enterCall(deps, input)),
  );

  for (const step of STEP_NAMES) {
    app.post(`${VOICE_PATH}/${step}`, options, async (request, reply) =>
      answer(request, reply, step, (input) => {
        const state = decodeState(request.query as Record<string, unknown>);
        return state ? runStep(deps, step, state, input) : undefined;
      }),
    );
  }

  app.post(RECORDING_PATH, options, async (request, reply) => {
    const report = recordingReport(request.body as TwilioVoiceParams);
    if (!report) return reply.status(400).type('text/plain').send('');
    const result = await ticketFromRecording(deps, report);
    request.log.info({ call: report.callSid, recording: report.recordingId, ...result }, 'IVR voicemail');
    return reply.status(200).type('text/plain').send('');
  });

  app.post(TRANSCRIPTION_PATH, options, async (request, reply) => {
    const report = transcriptReport(request.body as TwilioVoiceParams);
    if (!report) return reply.status(400).type('text/plain').send('');
    const result = await addTranscript(deps, report);
    request.log.info({ call: report.callSid, recording: report.recordingId, ...result }, 'IVR transcript');
    return reply.status(200).type('text/plain').send('');
  });
};
