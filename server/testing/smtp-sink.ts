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
            subject: subjectOf(raw),
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

/** The Subject header, unfolded, its RFC 2047 encoded words (nodemailer's `=?UTF-8?Q?…?=`) decoded. */
function subjectOf(raw: string): string {
  const head = raw.slice(0, raw.indexOf("\r\n\r\n")).replace(/\r\n[ \t]+/g, " ");
  const value = /^Subject: (.*)$/m.exec(head)?.[1]?.trim() ?? "";
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : qDecode(text),
    );
}

/** RFC 2047 "Q": `_` is a space, `=XX` a byte; the bytes are UTF-8. */
function qDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "=" && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c === "_" ? " " : c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
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
