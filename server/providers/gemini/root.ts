/** The Gemini API root: the base URL as configured, with /v1beta added when it names no version. */
export function geminiRoot(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return /\/v\d+(beta|alpha)?\d*$/.test(base) ? base : `${base}/v1beta`;
}
