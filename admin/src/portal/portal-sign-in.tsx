import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { portalKeys, portalSignIn } from "../api/portal.ts";
import { LanguageSwitch } from "../i18n/language-switch.tsx";
import { Brand } from "../ui/brand.tsx";
import { Button } from "../ui/button.tsx";
import { Field, FormError } from "../ui/field.tsx";

type Step = { at: "email" } | { at: "code"; email: string } | { at: "name"; token: string };

/**
 * A user signs in (or up) with a code sent to their address: the address, then the code,
 * then (the first time) their name. The answer opens a browser session; nothing is stored
 * in the page.
 */
export function PortalSignInPage() {
  const [step, setStep] = useState<Step>({ at: "email" });
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { t } = useTranslation();

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const finish = async (token: string, name: string | null) => {
    const accountId = await portalSignIn.complete(token, name);
    qc.removeQueries({ queryKey: portalKeys.all });
    navigate(`/portal/accounts/${accountId}`, { replace: true });
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    if (step.at === "email") {
      const email = String(f.get("email")).trim();
      void run(async () => {
        await portalSignIn.sendCode(email);
        setStep({ at: "code", email });
      });
    } else if (step.at === "code") {
      void run(async () => {
        const v = await portalSignIn.verify(step.email, String(f.get("code")).trim());
        if (v.registered) await finish(v.registration_token, null);
        else setStep({ at: "name", token: v.registration_token });
      });
    } else {
      void run(() => finish(step.token, String(f.get("name")).trim() || null));
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="text-2xl font-semibold tracking-tight">
            <Brand />
          </div>
          <h1 className="mt-1 text-sm text-slate-500">{t("portal.signIn.title")}</h1>
        </div>
        <form onSubmit={submit} className="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          {step.at === "email" && (
            <Field
              key="email"
              label={t("portal.signIn.email")}
              name="email"
              type="email"
              autoComplete="email"
              required
              autoFocus
              hint={t("portal.signIn.emailHint")}
            />
          )}
          {step.at === "code" && (
            <>
              <p role="status" className="text-sm text-slate-600">
                {t("portal.signIn.codeSent", { email: step.email })}
              </p>
              <Field
                key="code"
                label={t("portal.signIn.code")}
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]{6,8}"
                required
                autoFocus
              />
            </>
          )}
          {step.at === "name" && (
            <Field
              key="name"
              label={t("portal.signIn.name")}
              name="name"
              autoComplete="name"
              maxLength={200}
              autoFocus
              hint={t("portal.signIn.nameHint")}
            />
          )}
          <FormError error={error} />
          <Button type="submit" variant="primary" className="w-full" disabled={busy}>
            {step.at === "email"
              ? t("portal.signIn.sendCode")
              : step.at === "code"
                ? t("portal.signIn.verify")
                : t("portal.signIn.finish")}
          </Button>
          {step.at === "code" && (
            <Button variant="ghost" className="w-full" onClick={() => setStep({ at: "email" })}>
              {t("portal.signIn.otherAddress")}
            </Button>
          )}
        </form>
        <div className="mt-4 flex items-center justify-between text-sm">
          <Link to="/sign-in" className="text-indigo-700 hover:underline">
            {t("portal.signIn.admin")}
          </Link>
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
