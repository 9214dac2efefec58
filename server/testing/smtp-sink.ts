import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; text: string };

/**
 * A real SMTP server (the `smtp-server` package) on loopback, port 0: what the gateway's
 * mailer delivers over SMTP lands here, whole, for a test to read (the code in it).
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private waiters: { match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const mail: ReceivedMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? "",
            text: bodyOf(raw),
          };
          this.messages.push(mail);
          this.waiters = this.waiters.filter((w) => {
            if (!w.match(mail)) return true;
            w.resolve(mail);
            return false;
          });
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next message to `to` not yet taken (waits for it); messages already here count. */
  next(to: string, timeoutMs = 5000): Promise<ReceivedMail> {
    const i = this.messages.findIndex((m) => m.to.includes(to));
    if (i !== -1) return Promise.resolve(this.messages.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: (m) => m.to.includes(to),
        resolve: (m) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  /** The six-digit code in a sign-in message. */
  static codeOf(mail: ReceivedMail): string {
    const code = /^ {4}(\d{6})$/m.exec(mail.text)?.[1];
    if (!code) throw new Error(`no code in: ${mail.text}`);
    return code;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The text after the headers, quoted-printable soft breaks and escapes undone. */
function bodyOf(raw: string): string {
  const at = raw.indexOf("\r\n\r\n");
  const body = at === -1 ? raw : raw.slice(at + 4);
  const qp = /^Content-Transfer-Encoding: quoted-printable/im.test(raw);
  const text = qp
    ? body
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : body;
  return text.replace(/\r\n/g, "\n");
}
