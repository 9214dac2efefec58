import { useTranslation } from "react-i18next";
import { type PortalSource, usePortalMembers } from "../api/portal.ts";
import { formatTime } from "../ui/format.ts";
import { Card, Table, td, th } from "../ui/layout.tsx";
import { QueryState } from "../ui/states.tsx";

/** Who signs in to the account, and as what (read-only: invitations are sent with an access token or by an admin). */
export function MembersCard({ source, accountId }: { source: PortalSource; accountId: string }) {
  const members = usePortalMembers(source, accountId);
  const { t } = useTranslation();
  return (
    <Card title={t("portal.members.title")}>
      <QueryState query={members}>
        {({ data }) => (
          <Table label={t("portal.members.title")}>
            <thead>
              <tr>
                <th className={th}>{t("users.email")}</th>
                <th className={th}>{t("users.role")}</th>
                <th className={`${th} hidden sm:table-cell`}>{t("portal.members.joined")}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.user_id}>
                  <td className={`${td} break-all`}>{m.email}</td>
                  <td className={td}>{t(`users.roles.${m.role}`)}</td>
                  <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                    {formatTime(m.joined_at)}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}
