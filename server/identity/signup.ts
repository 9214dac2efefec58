import type { Db } from "../../db/client.ts";
import { deleteSetting, readSetting, upsertSetting } from "../../db/queries/system.ts";
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
    private readonly db: Db,
    private readonly configured: SignupMode,
  ) {}

  private override(): SignupMode | null {
    const v = readSetting(this.db, SETTING);
    return v && (SIGNUP_MODES as readonly string[]).includes(v) ? (v as SignupMode) : null;
  }

  mode(): SignupMode {
    return this.override() ?? this.configured;
  }

  source(): "config" | "admin" {
    return this.override() === null ? "config" : "admin";
  }

  /** Sets the mode (null: back to tollgate.yaml's). */
  set(mode: SignupMode | null): void {
    if (mode === null) deleteSetting(this.db, SETTING);
    else upsertSetting(this.db, SETTING, mode);
  }
}
