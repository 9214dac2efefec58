/**
 * A file a client uploaded in a multipart body, held in memory (bounded by the body
 * limit): what http/ decodes, a media dialect's schema accepts, and a provider forwards.
 */
export type UploadedFile = { kind: "file"; name: string; type: string; data: Uint8Array };

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "file";
}
