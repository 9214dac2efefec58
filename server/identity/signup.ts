import type { Store } from "../../db/store.ts";
import { SIGNUP_MODES, type SignupMode } from "../config/identity.ts";

const SETTING = "identity.signup_mode";

/**
 * Who may become a user: `open` (anyone who proves a mailbox), `invite` (addresses with a
 * pending invite) or `closed` (nobody new; existing users still sign in). tollgate.yaml
 * sets it; the admin API overrides it (kept in settings, so it survives restarts) until
 * reset to the file's value.
 */
export class SignupPolicy {
  constructor(
    private readonly store: Pick<Store, "settings">,
    private readonly configured: SignupMode,
  ) {}

  private async override(): Promise<SignupMode | null> {
    const v = await this.store.settings.read(SETTING);
    return v && (SIGNUP_MODES as readonly string[]).includes(v) ? (v as SignupMode) : null;
  }

  async mode(): Promise<SignupMode> {
    return (await this.override()) ?? this.configured;
  }

  /** The mode and where it comes from, from one read. */
  async current(): Promise<{ mode: SignupMode; source: "config" | "admin" }> {
    const o = await this.override();
    return { mode: o ?? this.configured, source: o === null ? "config" : "admin" };
  }

  /** Sets the mode (null: back to tollgate.yaml's). */
  async set(mode: SignupMode | null): Promise<void> {
    if (mode === null) await this.store.settings.delete(SETTING);
    else await this.store.settings.upsert(SETTING, mode);
  }
}
