/**
 * The new part of a reply, without what it quotes (pure). Cuts at the first line that starts a quote
 * in the clients citizens use — `On … wrote:`, `在 … 写道：`, Outlook's `-----Original Message-----` /
 * `-----原始邮件-----` / underscore rule followed by a From line, a `发件人:`/`From:` header block
 * after an empty line — and drops `>` lines. When nothing would be left, the text is kept whole:
 * better a quote too many than a citizen's message lost.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (startsQuote(lines, i)) {
      end = i;
      break;
    }
  }
  const kept = lines
    .slice(0, end)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .trim();
  return kept.length > 0 ? kept : text.trim();
}

const QUOTE_INTRO = [
  /^\s*-{2,}\s*(original message|原始邮件|原始郵件|转发的邮件|forwarded message)\s*-{2,}\s*$/i,
  /^\s*on .{1,200} wrote:\s*$/i,
  /^\s*在.{1,200}(写道|寫道)\s*[:：]\s*$/,
  /^\s*\d{4}[-/年].{1,120}(写道|寫道|wrote)\s*[:：]?\s*$/i,
];

const HEADER_LINE = /^\s*(from|发件人|發件人|寄件者)\s*[:：]/i;

function startsQuote(lines: string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (QUOTE_INTRO.some((pattern) => pattern.test(line))) return true;
  // Outlook: a rule of underscores, then the quoted mail's header block.
  if (/^\s*_{10,}\s*$/.test(line) && HEADER_LINE.test(lines[i + 1] ?? '')) return true;
  // A header block ("发件人: …" then "发送时间:/Sent:/Date:") after an empty line.
  if (HEADER_LINE.test(line) && (i === 0 || (lines[i - 1] ?? '').trim() === '')) {
    return /^\s*(sent|date|发送时间|時間|日期|to|收件人)\s*[:：]/i.test(lines[i + 1] ?? '');
  }
  return false;
}
