/**
 * CSV for spreadsheets, streamed: RFC 4180 quoting, CRLF lines, a UTF-8 byte order mark
 * (so Excel reads Cyrillic names right), and text that a spreadsheet would run as a
 * formula (=, +, -, @ first) kept as text with a leading apostrophe.
 */

/** A number written as it is (an amount's exact decimal text, a count), never treated as text. */
export type Cell = string | number | boolean | null | { decimal: string };

const FORMULA = /^[=+\-@\t\r]/;

export function csvField(v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const text = typeof v === "string" ? (FORMULA.test(v) ? `'${v}` : v) : v.decimal;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: Cell[]) => `${cells.map(csvField).join(",")}\r\n`;

/**
 * A CSV body read page by page as the client takes it: `pull` runs the next page's query
 * only when the previous chunk was consumed, so an export of millions of rows holds one
 * page at a time, and a client that goes away stops the queries (cancel).
 */
export function csvStream<T>(
  header: string[],
  pages: Iterator<T[]> | AsyncIterator<T[]>,
  row: (t: T) => Cell[],
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        c.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
      },
      async pull(c) {
        const next = await pages.next();
        if (next.done) {
          c.close();
          return;
        }
        c.enqueue(encoder.encode(next.value.map((t) => csvLine(row(t))).join("")));
      },
      async cancel() {
        await pages.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

export function csvResponse(body: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** "2026-03-01" from epoch ms (UTC), for file names. */
export const day = (ms: number | undefined, fallback: string) =>
  ms === undefined ? fallback : new Date(ms).toISOString().slice(0, 10);
