import type { Gateway } from "../../gateway/gateway.ts";
import type { SettingsView, SetupView } from "./model.ts";

/** One row each, never a count: cheap on a log of millions of rows. */
const exists = (gw: Gateway, sql: string) =>
  gw.sqlite.query(`SELECT EXISTS(${sql}) AS e`).get() as { e: number };

export function setupStatus(gw: Gateway): SetupView {
  const providers = gw.catalog.providers().length;
  const models = gw.catalog.models().length;
  const account = exists(gw, "SELECT 1 FROM accounts").e === 1;
  const key = exists(gw, "SELECT 1 FROM api_keys").e === 1;
  const first_request = exists(gw, "SELECT 1 FROM request_log WHERE outcome = 'ok'").e === 1;
  return {
    providers,
    models,
    account,
    key,
    first_request,
    done: providers > 0 && models > 0 && account && key && first_request,
  };
}

export const settingsView = (gw: Gateway): SettingsView => ({
  currency: gw.settings.currency,
  version: gw.settings.version,
  public_url: gw.settings.publicUrl,
});
