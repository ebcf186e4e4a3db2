import twilio from 'twilio';
import type * as VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../notify/types.js';
import { FIND_SENT, type TwilioClient } from '../twilio/client.js';
import { toProviderError } from '../twilio/errors.js';

type Language = OutboundMessage['language'];
// The SDK's namespace exports the attribute interface, not the unions it is made of.
type SayAttributes = VoiceResponse.SayAttributes;

export interface TwilioVoiceAdapterOptions {
  client: TwilioClient;
  /** Our caller ID, a Twilio number (E.164). */
  from: string;
  /** Twilio `<Say>` voices per language; defaults `Polly.Zhiyu` (zh-CN) and `Polly.Joanna` (en). */
  voices?: Partial<Record<Language, string>>;
}

const SAY_LANGUAGE: Record<Language, NonNullable<SayAttributes['language']>> = {
  'zh-CN': 'cmn-CN',
  en: 'en-US',
};
const DEFAULT_VOICE: Record<Language, string> = { 'zh-CN': 'Polly.Zhiyu', en: 'Polly.Joanna' };

/**
 * Voice notices through Twilio's Calls API: the call says the text from inline TwiML, so no
 * webhook of ours has to answer when the citizen picks up. The client is shared and closed by its
 * owner (`closeTwilioClient`).
 */
export class TwilioVoiceAdapter implements ChannelAdapter {
  readonly channel = 'voice' as const;
  readonly provider = 'twilio';
  readonly #options: TwilioVoiceAdapterOptions;

  constructor(options: TwilioVoiceAdapterOptions) {
    this.#options = options;
  }

  /** A `queued` call is handed over (our `sent`); how it ended comes through the status callback. */
  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const call = await this.#options.client.calls.create({
        to: message.to,
        from: this.#options.from,
        twiml: this.twiml(message),
        ...(message.statusCallbackUrl === undefined
          ? {}
          : { statusCallback: message.statusCallbackUrl, statusCallbackEvent: ['completed'] }),
      });
      return { providerId: call.sid, status: 'sent' };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** The text said twice with a pause between: people miss the first words of an unexpected call. */
  twiml(message: OutboundMessage): string {
    // The SDK's voice list lags Twilio's; any voice name Twilio knows is accepted on its side.
    const voice = (this.#options.voices?.[message.language] ??
      DEFAULT_VOICE[message.language]) as SayAttributes['voice'];
    const say: SayAttributes = { language: SAY_LANGUAGE[message.language], voice };
    const response = new twilio.twiml.VoiceResponse();
    response.say(say, message.body);
    response.pause({ length: 1 });
    response.say(say, message.body);
    return response.toString();
  }

  /**
   * The newest call to this number from ours created since `since` (− 60 s). Filtered here on
   * DateCreated, not with the API's StartTime> filter: a call still queued has no start time yet.
   * Calls carry no text, so any such call counts.
   */
  async findSent(message: OutboundMessage, since: Date): Promise<SendResult | undefined> {
    const notBefore = since.getTime() - FIND_SENT.slackMs;
    try {
      const recent = await this.#options.client.calls.list({
        to: message.to,
        from: this.#options.from,
        limit: FIND_SENT.limit,
      });
      const newest = recent
        .filter((c) => c.dateCreated.getTime() >= notBefore)
        .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
      return newest === undefined ? undefined : { providerId: newest.sid, status: 'sent' };
    } catch (err) {
      throw toProviderError(err);
    }
  }
}
