import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken } from './errors.js';

/**
 * The answer given to each inbound SMS, by Twilio MessageSid (its `_id`: the unique guard). Twilio
 * retries a webhook whose answer it lost; the retry gets this answer byte for byte and nothing is
 * done again (DESIGN §4.2). Kept as the record that the message was received and what it was taken
 * for; the message's text lives in the ticket it opened or continued (queries keep no text: a query
 * code or an ID tail is nothing to keep).
 */
export interface SmsAnswer {
  messageSid: string;
  /** The TwiML response, exactly as sent. */
  twiml: string;
  /** What the message was taken for (`status`, `subsidy`, `open`, `text` …). */
  keyword: string;
  contactId?: string;
  /** The ticket the message opened, continued or rated. */
  ticketNumber?: string;
  at: Date;
}

type SmsAnswerDoc = Omit<SmsAnswer, 'messageSid'> & { _id: string };

const SmsAnswerSchema = new Schema<SmsAnswerDoc>(
  {
    _id: { type: String, required: true },
    twiml: { type: String, required: true },
    keyword: { type: String, required: true },
    contactId: String,
    ticketNumber: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sms_answers' },
);

export class SmsAnswerRepository {
  readonly model: Model<SmsAnswerDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<SmsAnswerDoc>('SmsAnswer', SmsAnswerSchema);
  }

  async find(messageSid: string): Promise<SmsAnswer | undefined> {
    const doc = await this.model.findById(messageSid).lean();
    return doc ? toAnswer(doc) : undefined;
  }

  /**
   * Keeps the answer to a message unless one is kept already; returns the one that stands (the
   * first), so whoever comes second answers what the first answered.
   */
  async record(answer: SmsAnswer): Promise<SmsAnswer> {
    const { messageSid, ...rest } = answer;
    if (await insertUnlessTaken(this.model.collection, { ...rest, _id: messageSid })) return answer;
    return (await this.find(messageSid)) ?? answer;
  }
}

function toAnswer(doc: SmsAnswerDoc): SmsAnswer {
  const { _id, ...rest } = doc;
  return { ...rest, messageSid: _id };
}
