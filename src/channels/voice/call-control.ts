import twilio from 'twilio';
import { HubErrors } from '../../errors.js';
import type { TwilioClient } from '../twilio/client.js';

/** Someone to bring into a conference by an outbound call (warm transfer). */
export interface ConferenceInvite {
  from: string;
  to: string;
  /** Our name for the leg (`department`): it comes back in the conference's events. */
  label: string;
  /** Where Twilio reports the leg's progress (the signed call status webhook). */
  statusCallback: string;
}

/**
 * What an operator's transfer needs from the telephony provider, in our words: give a live call new
 * instructions, end one, call someone into a conference. Twilio is the one implementation; without
 * Twilio configured there are no live calls to act on, and the API says so (HUB_ERR_TELEPHONY_UNCONFIGURED).
 */
export interface CallControl {
  redirect(callSid: string, twiml: string): Promise<void>;
  hangUp(callSid: string): Promise<void>;
  invite(conference: string, invite: ConferenceInvite): Promise<{ callSid: string }>;
}

/** Twilio answers these when the call is unknown or already over: the operator sees 409, not 500. */
const NOT_LIVE_CODES = new Set([20404, 21220]);

export class TwilioCallControl implements CallControl {
  constructor(private readonly client: TwilioClient) {}

  async redirect(callSid: string, twiml: string): Promise<void> {
    await this.#call(callSid, () => this.client.calls(callSid).update({ twiml }));
  }

  async hangUp(callSid: string): Promise<void> {
    await this.#call(callSid, () => this.client.calls(callSid).update({ status: 'completed' }));
  }

  async invite(conference: string, invite: ConferenceInvite): Promise<{ callSid: string }> {
    // The conference's friendly name stands for its SID: Twilio creates the room if it is not running.
    const participant = await this.client.conferences(conference).participants.create({
      from: invite.from,
      to: invite.to,
      label: invite.label,
      beep: 'false',
      earlyMedia: true,
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      statusCallback: invite.statusCallback,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    return { callSid: participant.callSid };
  }

  async #call(callSid: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof twilio.RestException && NOT_LIVE_CODES.has(error.code ?? 0))
        throw new HubErrors.CallNotLive(callSid);
      throw error;
    }
  }
}
