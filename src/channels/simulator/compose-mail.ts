import MailComposer from 'nodemailer/lib/mail-composer';

/** A citizen's mail as the simulator writes it. */
export interface SimulatedMail {
  from: { address: string; name?: string };
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
}

/**
 * The raw RFC 822 message a mail client would send (headers, UTF-8 text part, encoded words for a
 * Chinese subject), built by nodemailer's own composer — what the SMTP listener would receive.
 */
export async function composeMail(mail: SimulatedMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    date: mail.date,
  });
  return composer.compile().build();
}
