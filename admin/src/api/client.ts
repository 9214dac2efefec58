import { i18n } from "../i18n/index.ts";

/** The typed fetch every query hook goes through. Cookies ride along; nothing is stored in the page. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let onUnauthorized: () => void = () => {};
/** Set once by the query client: a 401 anywhere sends the admin to sign-in. */
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type Query = Record<string, string | number | undefined>;

/**
 * An admin API URL; empty and missing query values are left out. Also what a download
 * link (a CSV export) points at: the browser fetches it with the session cookie.
 */
export const adminUrl = (path: string, query: Query = {}): string => withQuery(`/admin/api${path}`, query);

export async function api<T>(
  path: string,
  opts: { method?: Method; body?: unknown; query?: Query } = {},
): Promise<T> {
  // /auth/* answers 401 as part of signing in; the session guard handles those itself.
  return send<T>(adminUrl(path, opts.query), opts, !path.startsWith("/auth/"));
}

/**
 * The user portal's calls: the gateway's own /auth/* routes (with the portal's session
 * cookie), never the admin API. A 401 here is the portal guard's to handle, not the panel's.
 */
export function authApi<T>(
  path: string,
  opts: { method?: Method; body?: unknown; query?: Query; bearer?: string } = {},
) {
  return send<T>(withQuery(path, opts.query), opts, false);
}

function withQuery(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") qs.set(k, String(v));
  return `${path}${qs.size ? `?${qs}` : ""}`;
}

async function send<T>(
  url: string,
  opts: { method?: Method; body?: unknown; bearer?: string },
  redirectOn401: boolean,
): Promise<T> {
  let res: Response;
  const headers: Record<string, string> =
    opts.body === undefined ? {} : { "content-type": "application/json" };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  try {
    res = await fetch(url, {
      method: opts.method ?? "GET",
      credentials: "same-origin",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, "network_error", i18n.t("errors.network"));
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as {
    error?: { message?: string; code?: string; param?: string | null };
  } | null;
  if (!res.ok) {
    const e = data?.error;
    if (res.status === 401 && redirectOn401) onUnauthorized();
    throw new ApiError(res.status, e?.code ?? null, e?.message ?? `HTTP ${res.status}`, e?.param ?? null);
  }
  return data as T;
}

export type List<T> = { data: T[] };
export type Page<T> = { data: T[]; total: number; limit: number; offset: number };
