import type { Mail } from "./mailer.ts";

/** The messages the gateway sends. Plain text: a code must survive any mail client. */

export function codeMail(to: string, code: string, ttlMinutes: number, site: string): Mail {
  return {
    to,
    purpose: "code",
    subject: `Your sign-in code: ${code}`,
    text: [
      `Your code for ${site} is:`,
      "",
      `    ${code}`,
      "",
      `It works once, for ${ttlMinutes} minutes. If you did not ask for it, ignore this message:`,
      "nobody can sign in without the code.",
    ].join("\n"),
  };
}

/** To an address with no user while sign-up is closed or by invitation: why no code came. */
export function noAccountMail(to: string, mode: "invite" | "closed", site: string): Mail {
  return {
    to,
    purpose: "notice",
    subject: `Signing in to ${site}`,
    text: [
      `Someone asked for a sign-in code for this address at ${site}, but it has no account there,`,
      mode === "invite"
        ? "and new accounts are by invitation: ask the owner of a team or the operator to invite you."
        : "and the operator does not take new sign-ups at the moment.",
      "",
      "If it was not you, ignore this message.",
    ].join("\n"),
  };
}

export function inviteMail(to: string, accountName: string | null, site: string): Mail {
  return {
    to,
    purpose: "invite",
    subject: accountName ? `You are invited to ${accountName} on ${site}` : `You are invited to ${site}`,
    text: [
      accountName
        ? `You were invited to the account "${accountName}" on ${site}.`
        : `You were invited to ${site}.`,
      "",
      "Sign in with this address: ask for a code (POST /auth/send-code), then follow the message it sends.",
    ].join("\n"),
  };
}
