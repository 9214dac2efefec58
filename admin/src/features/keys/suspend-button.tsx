import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useUpdateKey } from "../../api/keys.ts";
import { Button } from "../../ui/button.tsx";
import { useToast } from "../../ui/toast.tsx";

/** Suspend (refused with 401 key_suspended) or resume a key: unlike revoking, it can be undone. */
export function SuspendButton({ keyView, size = "sm" }: { keyView: KeyView; size?: "sm" | "md" }) {
  const update = useUpdateKey(keyView.id);
  const notify = useToast();
  const { t } = useTranslation();
  if (keyView.status === "revoked") return null;
  const suspended = keyView.status === "suspended";
  const verb = suspended ? "resume" : "suspend";
  return (
    <Button
      size={size}
      disabled={update.isPending}
      aria-label={t(`keys.suspend.${verb}Label`, { name: keyView.name })}
      onClick={() =>
        update.mutate(
          { status: suspended ? "active" : "suspended" },
          {
            onSuccess: () =>
              notify(
                "success",
                t(suspended ? "keys.suspend.resumed" : "keys.suspend.suspended", { name: keyView.name }),
              ),
            onError: (e) => notify("error", t(`keys.suspend.${verb}Failed`, { message: e.message })),
          },
        )
      }
    >
      {t(`keys.suspend.${verb}`)}
    </Button>
  );
}
