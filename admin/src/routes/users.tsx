import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAccounts } from "../api/accounts.ts";
import {
  PAGE_SIZE,
  type UserView,
  useCreateUser,
  useSignOutUser,
  useUpdateUser,
  useUsers,
} from "../api/identity.ts";
import { AccountRoleFields, readAccountRole } from "../features/identity/account-role-fields.tsx";
import { InvitesCard } from "../features/identity/invites-card.tsx";
import { SignupModeCard } from "../features/identity/signup-mode-card.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/dialog.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { formatTime } from "../ui/format.ts";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

/** People who sign in by e-mail code: who they are, their accounts, and the operator's levers. */
export function UsersPage() {
  const [offset, setOffset] = useState(0);
  const users = useUsers(offset);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t("users.title")}>{t("users.intro")}</PageHeader>
      <div className="space-y-6">
        <SignupModeCard />
        <Card title={t("users.listTitle")}>
          <QueryState query={users}>
            {({ data, total }) =>
              data.length === 0 ? (
                <Empty title={t("users.empty")}>{t("users.emptyHint")}</Empty>
              ) : (
                <>
                  <UserTable users={data} />
                  <Pager
                    label={t("users.pages")}
                    offset={offset}
                    size={PAGE_SIZE}
                    shown={data.length}
                    total={total}
                    onOffset={setOffset}
                  />
                </>
              )
            }
          </QueryState>
        </Card>
        <AddUserCard />
        <InvitesCard />
      </div>
    </>
  );
}

function UserTable({ users }: { users: UserView[] }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const signOut = useSignOutUser();
  const notify = useToast();
  const [asking, setAsking] = useState<{ user: UserView; action: "disable" | "signOut" } | null>(null);
  const act = () => {
    if (!asking) return;
    const { user, action } = asking;
    const done = {
      onSuccess: () => notify("success", t(`users.${action}Done`, { email: user.email })),
      onError: (e: Error) => notify("error", e.message),
      onSettled: () => setAsking(null),
    };
    if (action === "disable") update.mutate({ id: user.id, status: "disabled" }, done);
    else signOut.mutate(user.id, done);
  };
  return (
    <>
      <Table label={t("users.table")}>
        <thead>
          <tr>
            <th className={th}>{t("users.email")}</th>
            <th className={`${th} hidden md:table-cell`}>{t("users.accounts")}</th>
            <th className={th}>{t("users.status")}</th>
            <th className={`${th} hidden sm:table-cell`}>{t("users.lastSignIn")}</th>
            <th className={th}>
              <span className="sr-only">{t("users.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.email}`}>
              <td className={td}>
                <div className="font-medium break-all">{u.email}</div>
                {u.name && <div className="text-xs text-slate-500">{u.name}</div>}
              </td>
              <td className={`${td} hidden md:table-cell`}>
                {u.accounts.map((a) => (
                  <div key={a.id}>
                    <Link to={`/accounts/${a.id}`} className="text-indigo-700 hover:underline">
                      {a.name}
                    </Link>{" "}
                    <span className="text-xs text-slate-500">{t(`users.roles.${a.role}`)}</span>
                  </div>
                ))}
              </td>
              <td className={td}>
                <Badge tone={u.status === "active" ? "green" : "slate"}>
                  {t(`users.statuses.${u.status}`)}
                </Badge>
              </td>
              <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                {formatTime(u.last_login_at)}
              </td>
              <td className={`${td} text-right`}>
                <div className="flex flex-wrap justify-end gap-1.5">
                  <Button
                    size="sm"
                    onClick={() => setAsking({ user: u, action: "signOut" })}
                    aria-label={t("users.signOutLabel", { email: u.email })}
                  >
                    {t("users.signOut")}
                  </Button>
                  {u.status === "active" ? (
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => setAsking({ user: u, action: "disable" })}
                      aria-label={t("users.disableLabel", { email: u.email })}
                    >
                      {t("users.disable")}
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      onClick={() =>
                        update.mutate(
                          { id: u.id, status: "active" },
                          { onSuccess: () => notify("success", t("users.enableDone", { email: u.email })) },
                        )
                      }
                      aria-label={t("users.enableLabel", { email: u.email })}
                    >
                      {t("users.enable")}
                    </Button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog
        open={asking !== null}
        title={asking ? t(`users.${asking.action}Title`, { email: asking.user.email }) : ""}
        confirmLabel={asking ? t(`users.${asking.action}`) : ""}
        busy={update.isPending || signOut.isPending}
        onCancel={() => setAsking(null)}
        onConfirm={act}
      >
        {asking ? t(`users.${asking.action}Body`) : ""}
      </ConfirmDialog>
    </>
  );
}

function AddUserCard() {
  const create = useCreateUser();
  const accounts = useAccounts().data?.data ?? [];
  const notify = useToast();
  const form = useRef<HTMLFormElement>(null);
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate(
      {
        email: String(f.get("email")),
        name: String(f.get("name") ?? "") || undefined,
        ...readAccountRole(f),
      },
      {
        onSuccess: (u) => {
          notify("success", t("users.created", { email: u.email }));
          form.current?.reset();
        },
      },
    );
  };
  return (
    <Card title={t("users.addTitle")}>
      <p className="mb-3 text-sm text-slate-500">{t("users.addHint")}</p>
      <form
        ref={form}
        onSubmit={submit}
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-end"
        autoComplete="off"
      >
        <Field label={t("users.email")} name="email" type="email" required maxLength={254} />
        <Field label={t("users.name")} name="name" maxLength={200} />
        <AccountRoleFields accounts={accounts} emptyLabel={t("users.ownAccount")} />
        <div className="sm:col-span-2 lg:col-span-4">
          <FormError error={create.error} />
          <Button type="submit" variant="primary" disabled={create.isPending} className="mt-2">
            {t("users.add")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
