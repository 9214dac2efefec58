import { type FormEvent, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useSession, useSignIn, useSignInMethods } from "../api/session.ts";
import { LanguageSwitch } from "../i18n/language-switch.tsx";
import { Brand } from "../ui/brand.tsx";
import { Button } from "../ui/button.tsx";
import { Field, FormError } from "../ui/field.tsx";

type Mode = "password" | "token";

/** Only same-app paths are followed after sign-in (no open redirect through ?next=). */
const safeNext = (next: string | null) => (next?.startsWith("/") && !next.startsWith("//") ? next : "/");

export function SignInPage() {
  const [chosen, setMode] = useState<Mode | null>(null);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const { t } = useTranslation();
  // While no admin user exists only the token works: open on its tab.
  const firstRun = useSignInMethods().data?.password === false;
  const mode: Mode = chosen ?? (firstRun ? "token" : "password");
  const next = safeNext(params.get("next"));
  if (session.data) return <Navigate to={next} replace />;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body =
      mode === "token"
        ? { token: String(f.get("token")) }
        : { username: String(f.get("username")), password: String(f.get("password")) };
    signIn.mutate(body, { onSuccess: () => navigate(next, { replace: true }) });
  };

  const tab = (m: Mode, label: string) => (
    <button
      type="button"
      aria-pressed={mode === m}
      onClick={() => {
        setMode(m);
        signIn.reset();
      }}
      className={`flex-1 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
        mode === m ? "bg-white text-slate-900 shadow-xs" : "text-slate-600 hover:text-slate-900"
      }`}
    >
      {label}
    </button>
  );

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="text-2xl font-semibold tracking-tight">
            <Brand />
          </div>
          <h1 className="mt-1 text-sm text-slate-500">{t("signIn.title")}</h1>
        </div>
        {firstRun && (
          <div
            role="note"
            className="mb-4 rounded-lg bg-indigo-50 px-4 py-3 text-sm text-indigo-950 ring-1 ring-indigo-200"
          >
            <p className="font-medium">{t("signIn.firstRunTitle")}</p>
            <p className="mt-1">
              <Trans
                i18nKey="signIn.firstRunBody"
                components={{ strong: <strong />, code: <code className="rounded bg-white/70 px-1" /> }}
              />
            </p>
          </div>
        )}
        <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <div className="mb-4 flex gap-1 rounded-lg bg-slate-100 p-1">
            {tab("password", t("signIn.usernameTab"))}
            {tab("token", t("signIn.tokenTab"))}
          </div>
          <form onSubmit={submit} className="space-y-4" key={mode}>
            {mode === "password" ? (
              <>
                <Field
                  label={t("signIn.username")}
                  name="username"
                  autoComplete="username"
                  required
                  autoFocus
                />
                <Field
                  label={t("signIn.password")}
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                />
              </>
            ) : (
              <Field
                label={t("signIn.token")}
                name="token"
                type="password"
                autoComplete="off"
                required
                autoFocus
                hint={t("signIn.tokenHint")}
              />
            )}
            <FormError error={signIn.error} />
            <Button type="submit" variant="primary" className="w-full" disabled={signIn.isPending}>
              {signIn.isPending ? t("signIn.submitting") : t("signIn.submit")}
            </Button>
          </form>
        </div>
        {!firstRun && (
          <p className="mt-4 text-center text-xs text-slate-500">
            <Trans
              i18nKey="signIn.moreAdmins"
              components={{ code: <code className="rounded bg-slate-100 px-1 text-slate-700" /> }}
            />
          </p>
        )}
        {/* People who use the gateway sign in to the portal instead (identity-en.ts). */}
        <p className="mt-4 text-center text-sm">
          <Link to="/portal/sign-in" className="text-indigo-700 hover:underline">
            {t("portal.signIn.fromAdmin")}
          </Link>
        </p>
        <LanguageSwitch className="mt-4 justify-center" />
      </div>
    </main>
  );
}
