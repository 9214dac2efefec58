import { connect, type Socket } from "node:net";

/** An answer read off the wire: what fetch would never let a test send or see. */
export type RawResponse = { status: number; headers: Record<string, string>; body: string; raw: string };

/** Parses one HTTP/1.1 response (Content-Length or chunked body). */
export function parseRawResponse(raw: string): RawResponse {
  const split = raw.indexOf("\r\n\r\n");
  const head = split === -1 ? raw : raw.slice(0, split);
  let body = split === -1 ? "" : raw.slice(split + 4);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers["transfer-encoding"]?.includes("chunked")) body = dechunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body, raw };
}

function dechunk(text: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const eol = text.indexOf("\r\n", at);
    if (eol === -1) return out;
    const size = Number.parseInt(text.slice(at, eol), 16);
    if (!size) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Opens a loopback socket to `port`; resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Everything the server sends until it closes the connection (send `Connection: close`). */
export function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** Writes `request` verbatim on a fresh connection and parses the answer. */
export async function rawRequest(port: number, request: string | Uint8Array): Promise<RawResponse> {
  const socket = await openSocket(port);
  const answer = readAll(socket);
  socket.write(request);
  return parseRawResponse(await answer);
}

/** A request head with `Connection: close`; `headers` are sent as given (any Host, or none). */
export function rawHead(method: string, target: string, headers: [string, string][]): string {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...headers.map(([k, v]) => `${k}: ${v}`),
    "Connection: close",
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Sends `head`, then up to `bodyBytes` of body (chunked when the head says so), 64 KiB at a
 * time; stops writing as soon as the server answers (an early refusal closes the
 * connection) and returns the parsed answer.
 */
export async function rawUpload(port: number, head: string, bodyBytes: number): Promise<RawResponse> {
  const socket = await openSocket(port);
  const answer = readAll(socket);
  let answered = false;
  socket.once("data", () => {
    answered = true;
  });
  socket.on("error", () => {});
  const chunked = /transfer-encoding:\s*chunked/i.test(head);
  socket.write(head);
  const piece = Buffer.alloc(64 * 1024, "a");
  for (let sent = 0; sent < bodyBytes && !answered && !socket.destroyed; sent += piece.length) {
    const data = chunked
      ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
      : piece;
    // The server may answer and close while we wait: then no drain ever comes.
    if (!socket.write(data))
      await new Promise((resolve) => {
        socket.once("drain", resolve);
        socket.once("close", resolve);
        socket.once("data", resolve);
      });
  }
  if (chunked && !answered && !socket.destroyed) socket.write("0\r\n\r\n");
  return parseRawResponse(await answer);
}
