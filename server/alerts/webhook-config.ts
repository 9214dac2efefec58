import type { Db } from "../../db/client.ts";
import { deleteSetting, readSetting, upsertSetting } from "../../db/queries/system.ts";
import type { Cipher } from "../secrets/cipher.ts";

const SETTING = "alerts.webhook";

/** Where alerts are posted and the secret they are signed with (stored encrypted, never shown again). */
export type WebhookConfig = { url: string; secret: string };

export function readWebhook(db: Db, cipher: Cipher): WebhookConfig | null {
  const stored = readSetting(db, SETTING);
  if (!stored) return null;
  const { url, secret } = JSON.parse(stored) as { url: string; secret: string };
  return { url, secret: cipher.decrypt(secret) };
}

export function writeWebhook(db: Db, cipher: Cipher, config: WebhookConfig | null): void {
  if (config === null) deleteSetting(db, SETTING);
  else upsertSetting(db, SETTING, JSON.stringify({ url: config.url, secret: cipher.encrypt(config.secret) }));
}
