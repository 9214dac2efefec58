import { useTranslation } from "react-i18next";
import { type SignupMode, useIdentitySettings, useSetSignupMode } from "../../api/identity.ts";
import { SelectField } from "../../ui/field.tsx";
import { Card } from "../../ui/layout.tsx";
import { QueryState } from "../../ui/states.tsx";
import { useToast } from "../../ui/toast.tsx";

const MODES: SignupMode[] = ["open", "invite", "closed"];

/** Who may become a user, changed without a restart; and how mail leaves (SMTP or the outbox). */
export function SignupModeCard() {
  const settings = useIdentitySettings();
  const set = useSetSignupMode();
  const notify = useToast();
  const { t } = useTranslation();
  return (
    <Card title={t("users.signup.title")}>
      <QueryState query={settings}>
        {(s) => (
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <SelectField
                label={t("users.signup.mode")}
                value={s.signup_mode}
                disabled={set.isPending}
                onChange={(e) =>
                  set.mutate(e.target.value as SignupMode, {
                    onSuccess: (r) =>
                      notify(
                        "success",
                        t("users.signup.saved", { mode: t(`users.signup.modes.${r.signup_mode}`) }),
                      ),
                    onError: (err) => notify("error", err.message),
                  })
                }
              >
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(`users.signup.modes.${m}`)}
                  </option>
                ))}
              </SelectField>
              <p className="mt-1 text-xs text-slate-500">{t(`users.signup.hints.${s.signup_mode}`)}</p>
            </div>
            <p className="text-sm text-slate-600" data-testid="mail-transport">
              {s.mail.transport === "outbox"
                ? t("users.signup.outbox")
                : t("users.signup.smtp", { from: s.mail.from })}
            </p>
          </div>
        )}
      </QueryState>
    </Card>
  );
}
