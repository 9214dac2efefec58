import { type FormEvent, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useAccounts } from "../../api/accounts.ts";
import { useInvite, useInvites, useWithdrawInvite } from "../../api/identity.ts";
import { Button } from "../../ui/button.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { formatTime } from "../../ui/format.ts";
import { Badge, Card, Table, td, th } from "../../ui/layout.tsx";
import { Empty, QueryState } from "../../ui/states.tsx";
import { useToast } from "../../ui/toast.tsx";
import { AccountRoleFields, readAccountRole } from "./account-role-fields.tsx";

/** Invitations: to an account, or (no account) to sign up while the mode is "invite". */
export function InvitesCard() {
  const invites = useInvites();
  const accounts = useAccounts().data?.data ?? [];
  const send = useInvite();
  const withdraw = useWithdrawInvite();
  const notify = useToast();
  const form = useRef<HTMLFormElement>(null);
  const { t } = useTranslation();
  const accountName = (id: string | null) =>
    id === null ? t("users.invites.signUpOnly") : (accounts.find((a) => a.id === id)?.name ?? id);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ar = readAccountRole(f);
    send.mutate(
      { email: String(f.get("email")), account_id: ar?.account_id ?? null, role: ar?.role ?? "member" },
      {
        onSuccess: (r) => {
          notify("success", t(r.joined ? "users.invites.joined" : "users.invites.sent", { email: r.email }));
          form.current?.reset();
        },
      },
    );
  };
  return (
    <Card title={t("users.invites.title")}>
      <QueryState query={invites}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title={t("users.invites.empty")} />
          ) : (
            <Table label={t("users.invites.table")}>
              <thead>
                <tr>
                  <th className={th}>{t("users.email")}</th>
                  <th className={`${th} hidden sm:table-cell`}>{t("users.account")}</th>
                  <th className={th}>{t("users.status")}</th>
                  <th className={`${th} hidden md:table-cell`}>{t("users.invites.expires")}</th>
                  <th className={th}>
                    <span className="sr-only">{t("users.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((i) => {
                  const state = i.revoked_at ? "withdrawn" : i.accepted_at ? "accepted" : "pending";
                  return (
                    <tr key={i.id}>
                      <td className={`${td} break-all`}>{i.email}</td>
                      <td className={`${td} hidden sm:table-cell`}>
                        {accountName(i.account_id)}{" "}
                        <span className="text-xs text-slate-500">{t(`users.roles.${i.role}`)}</span>
                      </td>
                      <td className={td}>
                        <Badge
                          tone={state === "pending" ? "amber" : state === "accepted" ? "green" : "slate"}
                        >
                          {t(`users.invites.states.${state}`)}
                        </Badge>
                      </td>
                      <td className={`${td} hidden whitespace-nowrap md:table-cell`}>
                        {formatTime(i.expires_at)}
                      </td>
                      <td className={`${td} text-right`}>
                        {state === "pending" && (
                          <Button
                            size="sm"
                            onClick={() => withdraw.mutate(i.id)}
                            aria-label={t("users.invites.withdrawLabel", { email: i.email })}
                          >
                            {t("users.invites.withdraw")}
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )
        }
      </QueryState>
      <form
        ref={form}
        onSubmit={submit}
        className="mt-4 grid gap-3 border-t border-slate-200 pt-4 sm:grid-cols-2 lg:grid-cols-4 lg:items-end"
        autoComplete="off"
      >
        <Field label={t("users.invites.email")} name="email" type="email" required maxLength={254} />
        <AccountRoleFields accounts={accounts} emptyLabel={t("users.invites.signUpOnly")} />
        <Button type="submit" variant="primary" disabled={send.isPending}>
          {t("users.invites.send")}
        </Button>
        <div className="sm:col-span-2 lg:col-span-4">
          <FormError error={send.error} />
        </div>
      </form>
    </Card>
  );
}
