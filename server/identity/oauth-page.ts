import { randomToken } from "../secrets/tokens.ts";

/**
 * The consent page of /oauth/authorize: plain server-rendered HTML, no framework, so it
 * works without the panel being built. English or Russian by Accept-Language. Scripts and
 * styles run only with the response's nonce (CSP), and no other site may frame it (a
 * framed consent button is a clickjacking target).
 */

export type Lang = "en" | "ru";

const TEXT = {
  en: {
    title: "Connect an app",
    signInTitle: "Sign in to continue",
    signInLead: "wants to connect to your account. Sign in first: we will mail you a code.",
    email: "E-mail",
    sendCode: "Send code",
    code: "Code from the e-mail",
    verify: "Sign in",
    codeSent: "If this address can sign in, a code is on its way.",
    asks: "wants to use the API on your behalf. It will get a key of its own on the account you choose.",
    sendsTo: "You will be sent back to",
    signedInAs: "Signed in as",
    signOut: "Not you? Sign out",
    account: "Account",
    limit: "Spend limit (optional)",
    limitHint: "The app's key stops when it has spent this much. Empty: no limit of its own.",
    approve: "Approve",
    deny: "Deny",
    noAccounts: "You are not a member of any account.",
    errorTitle: "This request cannot continue",
    failed: "Something went wrong:",
    byUser:
      "This app was registered by a user of this gateway, not by its operator: approve it only if you trust it.",
    unknownClient: "Unknown or disabled client_id.",
    badRedirect: "redirect_uri is not registered for this app.",
    signedOut: "Your sign-in has ended: open the app's link again.",
    formExpired: "The form has expired: open the app's link again.",
    notYourAccount: "That account is not one of yours.",
    badLimit: "The spend limit must be a positive amount.",
  },
  ru: {
    title: "Подключение приложения",
    signInTitle: "Войдите, чтобы продолжить",
    signInLead: "хочет подключиться к вашему аккаунту. Сначала войдите: мы пришлём код на почту.",
    email: "Эл. почта",
    sendCode: "Прислать код",
    code: "Код из письма",
    verify: "Войти",
    codeSent: "Если с этим адресом можно войти, код уже в пути.",
    asks: "хочет обращаться к API от вашего имени. Оно получит собственный ключ на выбранном аккаунте.",
    sendsTo: "После этого вы вернётесь на",
    signedInAs: "Вы вошли как",
    signOut: "Не вы? Выйти",
    account: "Аккаунт",
    limit: "Лимит расходов (необязательно)",
    limitHint: "Ключ приложения остановится, потратив эту сумму. Пусто: без собственного лимита.",
    approve: "Разрешить",
    deny: "Отказать",
    noAccounts: "Вы не состоите ни в одном аккаунте.",
    errorTitle: "Этот запрос не может быть продолжен",
    failed: "Что-то пошло не так:",
    byUser:
      "Это приложение зарегистрировал пользователь шлюза, а не его оператор: разрешайте, только если доверяете ему.",
    unknownClient: "Неизвестный или отключённый client_id.",
    badRedirect: "redirect_uri не зарегистрирован для этого приложения.",
    signedOut: "Ваш вход завершился: откройте ссылку приложения ещё раз.",
    formExpired: "Форма устарела: откройте ссылку приложения ещё раз.",
    notYourAccount: "Этот аккаунт не ваш.",
    badLimit: "Лимит расходов должен быть положительной суммой.",
  },
} as const;

export type Texts = (typeof TEXT)[Lang];

/** The first of English and Russian the browser prefers (by q), English when neither. */
export function pickLang(acceptLanguage: string | null): Lang {
  let best: { lang: Lang; q: number } | null = null;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const q = Number(params.find((p) => p.trim().startsWith("q="))?.split("=")[1] ?? 1);
    const lang = tag.startsWith("ru") ? "ru" : tag.startsWith("en") ? "en" : null;
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? "en";
}

export const texts = (lang: Lang): Texts => TEXT[lang];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;color:#1d2330}
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:10px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:1rem 0 .3rem;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
small{color:#667}.row{display:flex;gap:.8rem;margin-top:1.5rem}
button{flex:1;padding:.6rem;font-size:1rem;border-radius:6px;border:1px solid #3355cc;background:#3355cc;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#3355cc}.err{color:#b00020}.muted{color:#667}
a.link,button.link{background:none;border:none;color:#3355cc;padding:0;font-size:.9rem;cursor:pointer;flex:none}`;

export type Page = { html: string; csp: string };

/** The whole document with its CSP; `formTarget` is where the form's redirect may go. */
function page(lang: Lang, title: string, body: string, script = "", formTarget = ""): Page {
  const nonce = randomToken(16);
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main>${script ? `<script nonce="${nonce}">${script}</script>` : ""}</body></html>`;
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    `form-action 'self'${formTarget ? ` ${formTarget}` : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return { html, csp };
}

/** Why a request cannot go on: a page, since nothing may go back to an app we could not verify. */
export type PageError =
  | "unknownClient"
  | "badRedirect"
  | "signedOut"
  | "formExpired"
  | "notYourAccount"
  | "badLimit";

export function errorPage(lang: Lang, why: PageError): Page {
  const t = texts(lang);
  return page(lang, t.errorTitle, `<h1>${esc(t.errorTitle)}</h1><p class="err">${esc(t[why])}</p>`);
}

/** Signing in by e-mail code with the /auth endpoints, then a browser session; the page reloads as consent. */
const SIGN_IN_SCRIPT = `
const $ = (id) => document.getElementById(id);
const fail = (e) => { $("msg").className = "err"; $("msg").textContent = $("msg").dataset.failed + " " + e.message; };
async function post(path, body, bearer) {
  const headers = { "content-type": "application/json" };
  if (bearer) headers.authorization = "Bearer " + bearer;
  const r = await fetch(path, { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((j.error && j.error.message) || j.detail || String(r.status));
  return j;
}
$("email-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    await post("/auth/send-code", { email: $("email").value });
    $("msg").className = "muted"; $("msg").textContent = $("msg").dataset.sent;
    $("code-form").hidden = false; $("code").focus();
  } catch (err) { fail(err); }
});
$("code-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const v = await post("/auth/verify-email", { email: $("email").value, code: $("code").value.trim() });
    const t = await post("/auth/complete-registration", { registration_token: v.registration_token });
    await post("/auth/session", {}, t.access_token);
    location.reload();
  } catch (err) { fail(err); }
});`;

export function signInPage(lang: Lang, appName: string): Page {
  const t = texts(lang);
  const body = `<h1>${esc(t.signInTitle)}</h1>
<p><strong>${esc(appName)}</strong> ${esc(t.signInLead)}</p>
<form id="email-form"><label for="email">${esc(t.email)}</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<div class="row"><button type="submit">${esc(t.sendCode)}</button></div></form>
<form id="code-form" hidden><label for="code">${esc(t.code)}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<div class="row"><button type="submit">${esc(t.verify)}</button></div></form>
<p id="msg" data-sent="${esc(t.codeSent)}" data-failed="${esc(t.failed)}"></p>`;
  return page(lang, t.signInTitle, body, SIGN_IN_SCRIPT);
}

const SIGN_OUT_SCRIPT = `
document.getElementById("sign-out").addEventListener("click", async () => {
  await fetch("/auth/session", { method: "DELETE", credentials: "same-origin" });
  location.reload();
});`;

export type ConsentView = {
  appName: string;
  /** Registered by a user, not the operator: the page says so. */
  byUser: boolean;
  redirectUri: string;
  email: string;
  accounts: { id: string; name: string; cap: string | null }[];
  /** The authorize parameters, posted back as they came. */
  hidden: Record<string, string>;
  csrf: string;
};

export function consentPage(lang: Lang, v: ConsentView): Page {
  const t = texts(lang);
  const origin = new URL(v.redirectUri).origin;
  const hidden = Object.entries({ ...v.hidden, csrf: v.csrf })
    .map(([k, val]) => `<input type="hidden" name="${esc(k)}" value="${esc(val)}">`)
    .join("");
  const options = v.accounts
    .map((a) => `<option value="${esc(a.id)}">${esc(a.name)}${a.cap ? ` (≤ ${esc(a.cap)})` : ""}</option>`)
    .join("");
  const body = `<h1>${esc(t.title)}</h1>
<p><strong>${esc(v.appName)}</strong> ${esc(t.asks)}</p>
${v.byUser ? `<p class="err">${esc(t.byUser)}</p>` : ""}
<p class="muted">${esc(t.sendsTo)} <strong>${esc(origin)}</strong></p>
<p class="muted">${esc(t.signedInAs)} ${esc(v.email)} · <button type="button" class="link" id="sign-out">${esc(t.signOut)}</button></p>
<form method="post" action="/oauth/authorize">${hidden}
${
  v.accounts.length
    ? `<label for="account_id">${esc(t.account)}</label><select id="account_id" name="account_id">${options}</select>
<label for="spend_limit">${esc(t.limit)}</label><input id="spend_limit" name="spend_limit" inputmode="decimal" pattern="[0-9]+([.][0-9]+)?">
<small>${esc(t.limitHint)}</small>`
    : `<p class="err">${esc(t.noAccounts)}</p>`
}
<div class="row"><button type="submit" name="decision" value="deny" class="secondary">${esc(t.deny)}</button>
${v.accounts.length ? `<button type="submit" name="decision" value="approve">${esc(t.approve)}</button>` : ""}</div></form>`;
  return page(lang, t.title, body, SIGN_OUT_SCRIPT, origin);
}
