import { setupFacts } from "../../../db/queries/setup.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import type { SettingsView, SetupView } from "./model.ts";

export function setupStatus(gw: Gateway): SetupView {
  const providers = gw.catalog.providers().length;
  const models = gw.catalog.models().length;
  const { account, key, firstRequest: first_request } = setupFacts(gw.db);
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
