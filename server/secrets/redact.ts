/**
 * Removes secrets from upstream text before it reaches a client or a log. An upstream
 * that echoes the provider's key rarely echoes it verbatim: it may quote the Authorization
 * header in base64 (Basic auth, a debug dump), hex, URL-encoded, upper-cased, or wrapped
 * across lines. So each known secret is searched in all of those spellings, ignoring case
 * and whitespace, and anything shaped like somebody's key is removed too.
 */

export const REDACTED = "[redacted]";

/** Shorter secrets are not searched in encoded forms: their encodings would match by chance. */
const MIN_ENCODED = 8;
/** Shortest encoded fragment searched for (the middle of an aligned base64 run can be short). */
const MIN_FRAGMENT = 8;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/**
 * The base64 characters that stand for `bytes` wherever they sit in a longer encoded text:
 * for each of the three alignments, the encoding minus the groups shared with the bytes
 * before and after (those characters depend on the neighbours).
 */
function base64Fragments(bytes: Uint8Array, encode: (b: Uint8Array) => string): string[] {
  const out: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const padded = new Uint8Array(lead + bytes.length);
    padded.set(bytes, lead);
    const full = encode(padded).replace(/=+$/, "");
    const start = lead === 0 ? 0 : 4;
    const whole = Math.floor((lead + bytes.length) / 3) * 4;
    const fragment = full.slice(start, whole);
    if (fragment.length >= MIN_FRAGMENT) out.push(fragment);
  }
  return out;
}

/** Every spelling of `secret` searched for, lower-cased (the search ignores case). */
export function secretSpellings(secret: string): string[] {
  const spellings = new Set<string>([secret.toLowerCase()]);
  if (secret.length >= MIN_ENCODED) {
    const bytes = new TextEncoder().encode(secret);
    spellings.add(encodeURIComponent(secret).toLowerCase());
    spellings.add(Buffer.from(bytes).toString("hex"));
    for (const f of base64Fragments(bytes, b64)) spellings.add(f.toLowerCase());
    for (const f of base64Fragments(bytes, b64url)) spellings.add(f.toLowerCase());
  }
  return [...spellings].filter((s) => s.length >= 4);
}

/**
 * The text without whitespace (and the `\n`, `\r`, `\t` escapes of JSON text inside text),
 * lower-cased, with where each remaining character came from: a secret wrapped across lines
 * is found whole.
 */
function squeeze(text: string): { flat: string; origin: number[] } {
  const chars: string[] = [];
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
    if (c === "\\" && (text[i + 1] === "n" || text[i + 1] === "r" || text[i + 1] === "t")) {
      i++;
      continue;
    }
    chars.push(c);
    origin.push(i);
  }
  return { flat: chars.join("").toLowerCase(), origin };
}

/** Replaces each of the (possibly overlapping) ranges of `text` with one marker. */
function blank(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    if (start > at) out += text.slice(at, start);
    if (start >= at) out += REDACTED;
    at = end;
  }
  return out + text.slice(at);
}

/** The provider's own secrets, in every spelling, ignoring case and whitespace. */
function redactKnown(text: string, spellings: readonly string[]): string {
  if (spellings.length === 0 || text.length === 0) return text;
  const { flat, origin } = squeeze(text);
  const ranges: [number, number][] = [];
  for (const s of spellings)
    for (let i = flat.indexOf(s); i !== -1; i = flat.indexOf(s, i + 1)) {
      const start = origin[i]!;
      // Never leave half of a JSON escape (`\u...`) in front of the marker.
      ranges.push([text[start - 1] === "\\" ? start - 1 : start, origin[i + s.length - 1]! + 1]);
    }
  return blank(text, ranges);
}

/**
 * Shapes of credentials whoever they belong to. A named value keeps its name (`Bearer`,
 * `api_key=`) so the message still says what was there.
 */
const KEY_SHAPED: [RegExp, string][] = [
  // A Bearer credential (8+ characters with a digit or one of + / =, or 20+), Yandex's
  // `Api-Key <key>`. Basic credentials are checked by decoding (basicCredentials).
  [
    /\b(Bearer|Api-Key)(\s+)(?=[A-Za-z0-9._~+/=-]*[0-9+/=]|[A-Za-z0-9._~+/=-]{20})[A-Za-z0-9._~+/=-]{8,}/gi,
    `$1$2${REDACTED}`,
  ],
  // Query or form parameters, and JSON members, named like a credential.
  [
    /\b(api[_-]?key|apikey|key|token|access_token|refresh_token|id_token|secret|client_secret|password|sig|signature)=([^&\s"']+)/gi,
    `$1=${REDACTED}`,
  ],
  [
    /("(?:api[_-]?key|apikey|x-api-key|token|access_token|refresh_token|secret|client_secret|password|authorization)"\s*:\s*")(?:[^"\\]|\\.)*"/gi,
    `$1${REDACTED}"`,
  ],
  // Credentials in a URL: https://user:password@host
  [/\b(https?:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  // Vendor key formats: OpenAI-style sk-/pk-/rk- (Anthropic sk-ant-, Stripe sk_live_), Google
  // AIza..., GitHub gh*_..., AWS AKIA..., Yandex AQVN... keys and t1. IAM tokens, JWTs.
  [/\b(?:sk|pk|rk)[-_][A-Za-z0-9_*.-]{6,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  [/\bAQVN[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\bt1\.[A-Za-z0-9_-]{20,}[A-Za-z0-9._=-]*/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** Runs of token characters long enough to be a key; entropy decides (highEntropy). */
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{32,}/g;

/** 0 upper, 1 lower, 2 digit, 3 anything else. */
const classOf = (c: string) =>
  c >= "A" && c <= "Z" ? 0 : c >= "a" && c <= "z" ? 1 : c >= "0" && c <= "9" ? 2 : 3;

/**
 * Whether a long run of token characters looks random rather than written. Upper case,
 * lower case and digits must all be present, and the character class must change often:
 * in a random base62 or base64 token about 6 characters in 10 differ in class from the one
 * before, in a CamelCase identifier or a word about 2 in 10. Entropy alone cannot tell
 * them apart (both have about 4.3 bits per character); it keeps out repetitive runs.
 */
export function highEntropy(token: string): boolean {
  const seen = [0, 0, 0, 0];
  let switches = 0;
  let prev = -1;
  const counts = new Map<string, number>();
  for (const c of token) {
    const k = classOf(c);
    seen[k]!++;
    if (prev !== -1 && k !== prev) switches++;
    prev = k;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  if (!seen[0] || !seen[1] || !seen[2] || switches < 0.4 * (token.length - 1)) return false;
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / token.length;
    bits -= p * Math.log2(p);
  }
  return bits >= 3.5;
}

/** `Basic <base64 of user:password>`: redacted when the value decodes to a `user:password` pair. */
const BASIC = /\b(Basic\s+)([A-Za-z0-9+/]{6,}={0,2})/gi;
const basicCredentials = (match: string, scheme: string, value: string) =>
  /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(value, "base64").toString("latin1"))
    ? `${scheme}${REDACTED}`
    : match;

/** Anything key-shaped: vendor formats, named credentials, long random tokens. */
export function redactKeyShaped(text: string): string {
  let out = text.replace(BASIC, basicCredentials);
  for (const [re, replacement] of KEY_SHAPED) out = out.replace(re, replacement);
  out = out.replace(TOKEN_RUN, (run) => (highEntropy(run) ? REDACTED : run));
  return out.replace(REPEATED, REDACTED);
}

/** Adjacent markers (a secret found two ways) read as one. */
const REPEATED = /\[redacted\](?:\s*\[redacted\])+/g;

/**
 * A provider's secrets, prepared once. `redact` is for text that becomes a message
 * (errors, logs): every spelling plus anything key-shaped. `redactStreamed` is for streamed
 * events, where a key-shaped example is legitimate model output and each event must cost
 * little: the known secrets in their exact encoded spellings, and only in an event that
 * mentions an error (where upstreams echo requests) the case- and whitespace-blind search.
 */
export class Redactor {
  private readonly known: string[];
  private spellingsMemo: string[] | null = null;
  private readonly exact: string[];
  /** Any of `exact`, as one regular expression: one native search per event instead of one per spelling. */
  private readonly anyExact: RegExp | null;

  /**
   * The Redactor of these secrets, made once: every upstream call builds one (its provider's
   * key and header values), and building one costs about as much as streaming a short answer
   * (each secret's base64, hex and URL spellings). Secrets change only with the
   * configuration; the cache is emptied when it grows past a few configurations' worth.
   */
  static of(secrets: readonly (string | null | undefined)[]): Redactor {
    const key = secrets.map((s) => s ?? "").join("\u0000");
    let r = Redactor.cache.get(key);
    if (!r) {
      if (Redactor.cache.size >= 256) Redactor.cache.clear();
      r = new Redactor(secrets);
      Redactor.cache.set(key, r);
    }
    return r;
  }

  private static readonly cache = new Map<string, Redactor>();

  /** Every spelling of every secret, sorted longest first (for text that may be an error). */
  private get spellings(): string[] {
    this.spellingsMemo ??= [...new Set(this.known.flatMap(secretSpellings))].sort(
      (a, b) => b.length - a.length,
    );
    return this.spellingsMemo;
  }

  constructor(secrets: readonly (string | null | undefined)[]) {
    const known = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
    this.known = known;
    const exact = new Set<string>();
    for (const s of known) {
      exact.add(s);
      if (s.length < MIN_ENCODED) continue;
      exact.add(s.toUpperCase());
      exact.add(s.toLowerCase());
      const bytes = new TextEncoder().encode(s);
      exact.add(encodeURIComponent(s));
      exact.add(Buffer.from(bytes).toString("hex"));
      exact.add(Buffer.from(bytes).toString("hex").toUpperCase());
      for (const f of [...base64Fragments(bytes, b64), ...base64Fragments(bytes, b64url)]) exact.add(f);
    }
    this.exact = [...exact].sort((a, b) => b.length - a.length);
    this.anyExact =
      this.exact.length > 0
        ? new RegExp(this.exact.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"))
        : null;
  }

  redact(text: string): string {
    return redactKeyShaped(redactKnown(text, this.spellings));
  }

  redactStreamed(text: string): string {
    let out = text;
    if (this.anyExact?.test(out))
      for (const s of this.exact) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out.includes("error") ? redactKnown(out, this.spellings) : out;
  }
}

/**
 * Removes the provider's own secrets (in any common encoding, case or line wrapping) and
 * anything shaped like a key from upstream text.
 */
export function scrub(text: string, secrets: readonly (string | null | undefined)[]): string {
  return Redactor.of(secrets).redact(text);
}
