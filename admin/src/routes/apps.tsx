import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { type AppView, useApps, useDeleteApp, useRegisterApp, useSetAppStatus } from "../api/oauth.ts";
import { AppGrants } from "../features/oauth/app-grants.tsx";
import { AppOwner } from "../features/oauth/app-owner.tsx";
import { ClientId } from "../features/oauth/client-id.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/dialog.tsx";
import { Field, FormError, inputClass } from "../ui/field.tsx";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

/** OAuth apps: register, copy the client_id, disable, delete, and see or revoke their grants. */
export function AppsPage() {
  const apps = useApps();
  const { t } = useTranslation();
  const [shown, setShown] = useState<string | null>(null);
  const shownApp = apps.data?.data.find((a) => a.id === shown);
  return (
    <>
      <PageHeader title={t("apps.title")}>{t("apps.intro")}</PageHeader>
      <div className="space-y-6">
        <Card title={t("apps.listTitle")}>
          <QueryState query={apps}>
            {({ data }) =>
              data.length === 0 ? (
                <Empty title={t("apps.empty")}>{t("apps.emptyHint")}</Empty>
              ) : (
                <AppTable apps={data} onShowGrants={setShown} />
              )
            }
          </QueryState>
        </Card>
        {shownApp && <AppGrants app={shownApp} onClose={() => setShown(null)} />}
        <RegisterAppCard />
      </div>
    </>
  );
}

function AppTable({ apps, onShowGrants }: { apps: AppView[]; onShowGrants: (id: string) => void }) {
  const { t } = useTranslation();
  const setStatus = useSetAppStatus();
  const del = useDeleteApp();
  const notify = useToast();
  const [deleting, setDeleting] = useState<AppView | null>(null);
  const toggle = (a: AppView) => {
    const status = a.status === "active" ? "disabled" : "active";
    setStatus.mutate(
      { id: a.id, status },
      {
        onSuccess: () =>
          notify("success", t(status === "active" ? "apps.enabled" : "apps.disabled", { name: a.name })),
        onError: (e: Error) => notify("error", e.message),
      },
    );
  };
  const confirmDelete = () => {
    if (!deleting) return;
    const a = deleting;
    del.mutate(a.id, {
      onSuccess: (r) => notify("success", t("apps.deleted", { name: a.name, count: r.revoked })),
      onError: (e: Error) => notify("error", e.message),
      onSettled: () => setDeleting(null),
    });
  };
  return (
    <>
      <Table label={t("apps.table")}>
        <thead>
          <tr>
            <th className={th}>{t("apps.name")}</th>
            <th className={th}>{t("apps.clientId")}</th>
            <th className={`${th} hidden md:table-cell`}>{t("apps.redirectUris")}</th>
            <th className={th}>{t("apps.status")}</th>
            <th className={`${th} hidden sm:table-cell`}>{t("apps.owner")}</th>
            <th className={`${th} hidden sm:table-cell`}>{t("apps.activeKeys")}</th>
            <th className={th}>
              <span className="sr-only">{t("apps.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.id} data-testid={`app-row-${a.name}`}>
              <td className={`${td} font-medium break-words`}>{a.name}</td>
              <td className={td}>
                <ClientId id={a.client_id} name={a.name} />
              </td>
              <td className={`${td} hidden md:table-cell`}>
                <ul className="space-y-0.5 font-mono text-xs break-all">
                  {a.redirect_uris.map((u) => (
                    <li key={u}>{u}</li>
                  ))}
                </ul>
              </td>
              <td className={td}>
                <Badge tone={a.status === "active" ? "green" : "slate"}>
                  {t(`apps.statuses.${a.status as "active" | "disabled"}`)}
                </Badge>
              </td>
              <td className={`${td} hidden sm:table-cell`}>
                <AppOwner userId={a.owner_user_id} />
              </td>
              <td className={`${td} hidden sm:table-cell`}>{a.grants}</td>
              <td className={`${td} text-right`}>
                <div className="flex flex-wrap justify-end gap-1.5">
                  <Button
                    size="sm"
                    onClick={() => onShowGrants(a.id)}
                    aria-label={t("apps.showGrantsLabel", { name: a.name })}
                  >
                    {t("apps.showGrants")}
                  </Button>
                  <Button
                    size="sm"
                    disabled={setStatus.isPending}
                    onClick={() => toggle(a)}
                    aria-label={t(a.status === "active" ? "apps.disableLabel" : "apps.enableLabel", {
                      name: a.name,
                    })}
                  >
                    {t(a.status === "active" ? "apps.disable" : "apps.enable")}
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    onClick={() => setDeleting(a)}
                    aria-label={t("apps.deleteLabel", { name: a.name })}
                  >
                    {t("apps.delete")}
                  </Button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? t("apps.deleteTitle", { name: deleting.name }) : ""}
        confirmLabel={t("apps.delete")}
        busy={del.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={confirmDelete}
      >
        {deleting ? t("apps.deleteBody", { count: deleting.grants }) : ""}
      </ConfirmDialog>
    </>
  );
}

function RegisterAppCard() {
  const register = useRegisterApp();
  const notify = useToast();
  const form = useRef<HTMLFormElement>(null);
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const uris = String(f.get("redirect_uris") ?? "")
      .split("\n")
      .map((u) => u.trim())
      .filter(Boolean);
    register.mutate(
      { name: String(f.get("name")), redirect_uris: uris },
      {
        onSuccess: (a) => {
          notify("success", t("apps.register.done", { name: a.name }));
          form.current?.reset();
        },
      },
    );
  };
  return (
    <Card title={t("apps.register.title")}>
      <p className="mb-3 text-sm text-slate-500">{t("apps.register.hint")}</p>
      <form ref={form} onSubmit={submit} className="grid gap-3 lg:grid-cols-2" autoComplete="off">
        <Field label={t("apps.name")} name="name" required maxLength={200} />
        <div className="space-y-1">
          <label htmlFor="app-redirect-uris" className="block text-sm font-medium text-slate-700">
            {t("apps.register.uris")}
          </label>
          <textarea
            id="app-redirect-uris"
            name="redirect_uris"
            required
            rows={3}
            spellCheck={false}
            className={`${inputClass} font-mono`}
          />
        </div>
        <div className="lg:col-span-2">
          <FormError error={register.error} />
          <Button type="submit" variant="primary" disabled={register.isPending} className="mt-2">
            {t("apps.register.submit")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
