import type { FastifyBaseLogger } from 'fastify';
import type { ImapFlow } from 'imapflow';
import type { ImapCursorRepository } from '../../store/imap-cursors.js';
import type { ImapAccount } from './imap-url.js';
import type { MailIntake } from './mail-intake.js';

export interface ImapPollDeps {
  account: ImapAccount;
  cursors: ImapCursorRepository;
  intake: MailIntake;
  log: FastifyBaseLogger;
  /** The address the mailbox receives for: the envelope's recipient. */
  mailboxAddress: string;
  /** Mail larger than this is left in the mailbox, unread by us (SMTP would have refused it, 552). */
  maxBytes: number;
  /** At most this many messages per round, so a round (and its lock) stays short. */
  batch: number;
  /** Checked between messages: a stopping poller finishes the message in hand and no more. */
  stopping: () => boolean;
  /** No new message is started after this time (ms since the epoch): the round's lock would expire. */
  deadline?: number;
  /** Told of each refusal by the intake (for the poller's status). */
  onRefused?: (error: unknown) => void;
}

export interface PollResult {
  /** Messages the intake accepted this round (new tickets, threads, duplicates alike). */
  accepted: number;
  /** Messages passed over (too large, or expunged before they could be fetched). */
  passed: number;
  /** Messages the intake refused this round (left unseen, on the retry list). */
  refused: number;
  /** UIDs on the retry list after this round. */
  retrying: number;
  /** More new messages wait than one round takes: poll again at once. */
  more: boolean;
  /** The mailbox's UIDVALIDITY changed: the cursor went back to the start. */
  reset: boolean;
}

/** UIDs the intake refused, kept to retry; when this many wait, the round stops at the next refusal. */
export const MAX_RETRY_UIDS = 100;

/**
 * One polling round over the selected mailbox: every message with a UID above the stored cursor, in
 * UID order, goes to the mail intake, after the UIDs still waiting for a retry. A message is flagged
 * \Seen (never deleted) once the intake has taken it. One the intake refuses (HUB_ERR_MAIL_DEFERRED:
 * kept but not processed, or the store away) stays unseen and goes on the cursor's retry list, so a
 * mail that keeps failing never holds up the ones after it; with the list full, the cursor stops
 * there instead. A new UIDVALIDITY means the UIDs we knew are void: the cursor starts again from 0
 * (the intake's Message-ID dedupe makes re-reading safe). A crash anywhere → the message is read
 * again next time and deduplicated: at least once toward the intake, one ticket per mail.
 */
export async function pollMailbox(deps: ImapPollDeps, client: ImapFlow): Promise<PollResult> {
  const box = client.mailbox;
  if (!box) throw new Error('no mailbox selected');
  const uidValidity = Number(box.uidValidity);
  const cursor = await currentCursor(deps, uidValidity);
  const result: PollResult = {
    accepted: 0,
    passed: 0,
    refused: 0,
    retrying: cursor.retry.length,
    more: false,
    reset: cursor.reset,
  };

  // `N:*` always matches the highest UID even when it is below N: keep only what is really new.
  const found = await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true });
  // ImapFlow answers a refused or cut-off SEARCH with false/undefined, not a throw.
  if (!found) throw new Error('UID SEARCH failed (mailbox gone or connection lost)');
  const fresh = found.filter((uid) => uid > cursor.lastUid).sort((a, b) => a - b);
  const uids = fresh.slice(0, deps.batch);
  result.more = fresh.length > uids.length;
  const retry = new Set(cursor.retry);
  if (uids.length === 0 && retry.size === 0) return result;

  const wanted = [...retry, ...uids];
  const meta = await client.fetchAll(
    wanted.join(','),
    { uid: true, size: true, internalDate: true, headers: ['return-path'] },
    { uid: true },
  );
  const byUid = new Map(meta.map((m) => [m.uid, m]));
  let lastUid = cursor.lastUid;
  const save = async (): Promise<void> => {
    await deps.cursors.save({
      key: deps.account.key,
      uidValidity,
      lastUid,
      resets: cursor.resets,
      retry: [...retry],
    });
  };
  for (const uid of wanted) {
    if (deps.stopping() || Date.now() > (deps.deadline ?? Infinity)) {
      result.more = true;
      break;
    }
    const info = byUid.get(uid);
    const taken = info ? await takeMessage(deps, client, uid, info) : 'gone';
    if (taken === 'refused') {
      result.refused += 1;
      if (!retry.has(uid)) {
        // A full retry list: stop here, this UID is the next round's first.
        if (retry.size >= MAX_RETRY_UIDS) break;
        retry.add(uid);
      }
    } else {
      retry.delete(uid);
      if (taken === 'accepted') result.accepted += 1;
      else result.passed += 1;
    }
    lastUid = Math.max(lastUid, uid);
    await save();
    result.retrying = retry.size;
    if (taken === 'accepted') {
      // A hint for people reading the mailbox, not our record (that is the cursor): failures only logged.
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }).catch((error: unknown) => {
        deps.log.warn({ uid, err: safeError(error) }, 'imap: could not flag a taken mail \\Seen');
      });
    }
  }
  return result;
}

interface MessageInfo {
  size?: number | undefined;
  internalDate?: Date | string | undefined;
  headers?: Buffer | undefined;
}

async function takeMessage(
  deps: ImapPollDeps,
  client: ImapFlow,
  uid: number,
  info: MessageInfo,
): Promise<'accepted' | 'refused' | 'too_large' | 'gone'> {
  if ((info.size ?? 0) > deps.maxBytes) {
    deps.log.error(
      { mailbox: deps.account.key, uid, size: info.size, maxBytes: deps.maxBytes },
      'imap: mail larger than SMTP_MAX_BYTES left unread in the mailbox for staff',
    );
    return 'too_large';
  }
  const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  if (!message || !message.source) return 'gone';
  const receivedAt = info.internalDate ? new Date(info.internalDate) : new Date();
  let outcome;
  try {
    outcome = await deps.intake.accept(message.source, {
      from: returnPath(info.headers),
      to: [deps.mailboxAddress],
      via: 'imap',
      receivedAt: Number.isNaN(receivedAt.getTime()) ? new Date() : receivedAt,
    });
  } catch (error) {
    deps.log.warn(
      { mailbox: deps.account.key, uid, err: safeError(error) },
      'imap: the intake did not take a mail; left unseen and retried next round',
    );
    deps.onRefused?.(error);
    return 'refused';
  }
  deps.log.info(
    {
      mailbox: deps.account.key,
      uid,
      outcome: outcome.kind,
      ticket: outcome.ticketNumber,
      reason: outcome.reason,
    },
    'imap: mail taken',
  );
  return 'accepted';
}

async function currentCursor(
  deps: ImapPollDeps,
  uidValidity: number,
): Promise<{ lastUid: number; resets: number; retry: number[]; reset: boolean }> {
  const key = deps.account.key;
  const stored = await deps.cursors.find(key);
  if (!stored) {
    await deps.cursors.save({ key, uidValidity, lastUid: 0, resets: 0, retry: [] });
    return { lastUid: 0, resets: 0, retry: [], reset: false };
  }
  if (stored.uidValidity === uidValidity) return { ...stored, reset: false };
  deps.log.warn(
    { mailbox: key, was: stored.uidValidity, now: uidValidity, lastUid: stored.lastUid },
    'imap: UIDVALIDITY changed, reading the whole mailbox again (Message-ID dedupe drops what we had)',
  );
  const resets = stored.resets + 1;
  await deps.cursors.save({ key, uidValidity, lastUid: 0, resets, retry: [] });
  return { lastUid: 0, resets, retry: [], reset: true };
}

/**
 * The envelope sender from the topmost Return-Path (`<a@b>`; `<>` for a bounce); '' when there is
 * none (the intake then reads the mail's own headers).
 */
export function returnPath(headers: Buffer | undefined): string {
  if (!headers) return '';
  const unfolded = headers.toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  const line = /^return-path:[ \t]*(.*)$/im.exec(unfolded)?.[1]?.trim();
  if (!line) return '';
  const inside = /<([^>]*)>/.exec(line)?.[1] ?? line;
  return inside.trim();
}

/**
 * What of an IMAP error is safe to log: its name, code and the server's words, never the command
 * (a LOGIN line would carry the password).
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; responseText?: unknown; serverResponseCode?: unknown };
  const cause = e.cause === undefined ? {} : { cause: safeError(e.cause) };
  return {
    name: e.name,
    message: e.message,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(e.responseText === undefined ? {} : { responseText: e.responseText }),
    ...(e.serverResponseCode === undefined ? {} : { serverResponseCode: e.serverResponseCode }),
    ...cause,
  };
}
