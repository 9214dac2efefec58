import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AdminUserView } from "../../../server/admin/admins/model.ts";
import { useAdmins, useCreateAdmin, useDeleteAdmin } from "../api/admins.ts";
import { useSession } from "../api/session.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/dialog.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { formatTime } from "../ui/format.ts";
import { Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

export function AdminsPage() {
  const admins = useAdmins();
  const create = useCreateAdmin();
  const remove = useDeleteAdmin();
  const me = useSession().data;
  const notify = useToast();
  const { t } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const [deleting, setDeleting] = useState<AdminUserView | null>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate(
      { username: String(f.get("username")), password: String(f.get("password")) },
      {
        onSuccess: (u) => {
          notify("success", t("admins.created", { name: u.username }));
          form.current?.reset();
        },
      },
    );
  };
  return (
    <>
      <PageHeader title={t("admins.title")}>{t("admins.intro")}</PageHeader>
      <div className="space-y-6">
        <Card>
          <QueryState query={admins}>
            {({ data }) =>
              data.length === 0 ? (
                <Empty title={t("admins.empty")}>{t("admins.emptyHint")}</Empty>
              ) : (
                <Table label={t("admins.table")}>
                  <thead>
                    <tr>
                      <th className={th}>{t("admins.username")}</th>
                      <th className={`${th} hidden sm:table-cell`}>{t("admins.createdAt")}</th>
                      <th className={th}>{t("admins.lastSignIn")}</th>
                      <th className={th}>
                        <span className="sr-only">{t("admins.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((u) => (
                      <tr key={u.id}>
                        <td className={`${td} font-medium`}>{u.username}</td>
                        <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                          {formatTime(u.created_at)}
                        </td>
                        <td className={`${td} whitespace-nowrap`}>{formatTime(u.last_login_at)}</td>
                        <td className={`${td} text-right`}>
                          <Button
                            size="sm"
                            variant="danger"
                            onClick={() => setDeleting(u)}
                            aria-label={t("admins.deleteLabel", { name: u.username })}
                          >
                            {t("admins.delete")}
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )
            }
          </QueryState>
        </Card>
        <Card title={t("admins.addTitle")}>
          <form
            ref={form}
            onSubmit={submit}
            className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
            autoComplete="off"
          >
            <Field label={t("admins.username")} name="username" required maxLength={64} />
            <Field
              label={t("admins.password")}
              name="password"
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
              hint={t("admins.passwordHint")}
            />
            <Button type="submit" variant="primary" disabled={create.isPending} className="sm:mb-5">
              {t("admins.add")}
            </Button>
          </form>
          <div className="mt-2">
            <FormError error={create.error} />
          </div>
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={t("admins.confirmTitle", { name: deleting?.username })}
        confirmLabel={t("admins.confirm")}
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: (u) => notify("success", t("admins.deleted", { name: u.username })),
            onError: (e) => notify("error", e.message),
            onSettled: () => setDeleting(null),
          })
        }
      >
        {deleting?.id === me?.user?.id ? t("admins.itsYou") : ""}
        {t("admins.deleteBody")}
      </ConfirmDialog>
    </>
  );
}
