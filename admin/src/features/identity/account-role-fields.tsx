import { useTranslation } from "react-i18next";
import { SelectField } from "../../ui/field.tsx";

/** An account to join (or none) and the role there: the same pair for a new user and an invitation. */
export function AccountRoleFields({
  accounts,
  emptyLabel,
}: {
  accounts: { id: string; name: string }[];
  emptyLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField label={t("users.account")} name="account_id" defaultValue="">
        <option value="">{emptyLabel}</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </SelectField>
      <SelectField label={t("users.role")} name="role" defaultValue="member">
        <option value="member">{t("users.roles.member")}</option>
        <option value="owner">{t("users.roles.owner")}</option>
      </SelectField>
    </>
  );
}

/** The role picked beside an account, or nothing when no account was picked. */
export function readAccountRole(f: FormData): { account_id: string; role: "owner" | "member" } | null {
  const account = String(f.get("account_id") ?? "");
  return account ? { account_id: account, role: f.get("role") === "owner" ? "owner" : "member" } : null;
}
