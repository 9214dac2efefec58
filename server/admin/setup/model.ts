/** The first-run checklist on the panel's Overview: which setup steps have data yet. */
export type SetupView = {
  providers: number;
  models: number;
  /** Whether any account, any key, and any successful client request exists. */
  account: boolean;
  key: boolean;
  first_request: boolean;
  /** Every step is done (the panel hides the checklist). */
  done: boolean;
};

/** Deployment settings the panel needs: the currency of every amount, and the base clients call. */
export type SettingsView = { currency: string; version: string; public_url: string | null };
