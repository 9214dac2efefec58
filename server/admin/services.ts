import type { Store } from "../../db/store.ts";
import type { Alerts } from "../alerts/alerts.ts";
import type { AccountBook } from "../billing/account-book.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Settings } from "../config/settings.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { PlanBook } from "../plans/plan-book.ts";
import type { Cipher } from "../secrets/cipher.ts";

/**
 * What the admin API and the CLI act on. Each resource takes only the ones it uses
 * (`Pick<AdminServices, ...>`); the gateway object (gateway/gateway.ts) has them all and is
 * what app.ts and the CLI pass, but no admin module sees more of it than it names.
 */
export type AdminServices = {
  /** The books through the async queries of either engine (db/store.ts). */
  readonly store: Store;
  readonly book: AccountBook;
  readonly keys: KeyStore;
  readonly catalog: Catalog;
  readonly cipher: Cipher;
  readonly settings: Settings;
  readonly alerts: Alerts;
  /** Plans and which account is on which (admin/plans). */
  readonly plans: PlanBook;
};
