import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { Badge } from "../../ui/layout.tsx";

/**
 * A key's state as its holder meets it: an active key whose own spend limit no longer buys
 * a call is refused like a revoked one would be, so it does not show as "active".
 */
export function KeyStatus({ keyView }: { keyView: Pick<KeyView, "status" | "limit_reached"> }) {
  const { t } = useTranslation();
  const { status } = keyView;
  if (status === "active" && keyView.limit_reached)
    return <Badge tone="amber">{t("keys.badges.limitReached")}</Badge>;
  const tone = status === "active" ? "green" : status === "revoked" ? "red" : "amber";
  return <Badge tone={tone}>{t(`keys.badges.${status}`)}</Badge>;
}
