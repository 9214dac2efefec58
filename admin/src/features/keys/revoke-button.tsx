import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useUpdateKey } from "../../api/keys.ts";
import { Button } from "../../ui/button.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { useToast } from "../../ui/toast.tsx";

export function RevokeButton({ keyView, size = "sm" }: { keyView: KeyView; size?: "sm" | "md" }) {
  const [asking, setAsking] = useState(false);
  const update = useUpdateKey(keyView.id);
  const notify = useToast();
  const { t } = useTranslation();
  if (keyView.status === "revoked") return null;
  return (
    <>
      <Button
        size={size}
        variant="danger"
        onClick={() => setAsking(true)}
        aria-label={t("keys.revoke.label", { name: keyView.name })}
      >
        {t("keys.revoke.button")}
      </Button>
      <ConfirmDialog
        open={asking}
        title={t("keys.revoke.title", { name: keyView.name })}
        confirmLabel={t("keys.revoke.confirm")}
        busy={update.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          update.mutate(
            { status: "revoked" },
            {
              onSuccess: () => notify("success", t("keys.revoke.done", { name: keyView.name })),
              onError: (e) => notify("error", t("keys.revoke.failed", { message: e.message })),
              onSettled: () => setAsking(false),
            },
          )
        }
      >
        <Trans
          i18nKey="keys.revoke.body"
          values={{ prefix: keyView.prefix }}
          components={{ code: <code className="font-mono" /> }}
        />
      </ConfirmDialog>
    </>
  );
}
