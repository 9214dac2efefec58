import type { Cipher } from "../secrets/cipher.ts";

/** The setting the webhook is stored under (Store.settings). */
export const WEBHOOK_SETTING = "alerts.webhook";

/** Where alerts are posted and the secret they are signed with (stored encrypted, never shown again). */
export type WebhookConfig = { url: string; secret: string };

/** The stored setting (absent: no webhook) as the config, its secret decrypted. */
export function parseWebhook(stored: string | undefined, cipher: Cipher): WebhookConfig | null {
  if (!stored) return null;
  const { url, secret } = JSON.parse(stored) as { url: string; secret: string };
  return { url, secret: cipher.decrypt(secret) };
}

/** The config as stored, its secret encrypted. */
export function storedWebhook(config: WebhookConfig, cipher: Cipher): string {
  return JSON.stringify({ url: config.url, secret: cipher.encrypt(config.secret) });
}
