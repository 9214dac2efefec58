import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { Badge } from "../../ui/layout.tsx";

export function KeyStatus({ status }: { status: KeyView["status"] }) {
  const tone = status === "active" ? "green" : status === "revoked" ? "red" : "amber";
  return <Badge tone={tone}>{status}</Badge>;
}
