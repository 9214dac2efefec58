import { useState } from "react";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useUpdateKey } from "../../api/keys.ts";
import { Button } from "../../ui/button.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { useToast } from "../../ui/toast.tsx";

export function RevokeButton({ keyView, size = "sm" }: { keyView: KeyView; size?: "sm" | "md" }) {
  const [asking, setAsking] = useState(false);
  const update = useUpdateKey(keyView.id);
  const notify = useToast();
  if (keyView.status === "revoked") return null;
  return (
    <>
      <Button
        size={size}
        variant="danger"
        onClick={() => setAsking(true)}
        aria-label={`Revoke ${keyView.name}`}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Revoke “${keyView.name}”?`}
        confirmLabel="Revoke key"
        busy={update.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          update.mutate(
            { status: "revoked" },
            {
              onSuccess: () => notify("success", `Key "${keyView.name}" revoked.`),
              onError: (e) => notify("error", `Could not revoke: ${e.message}`),
              onSettled: () => setAsking(false),
            },
          )
        }
      >
        Requests with key <code className="font-mono">{keyView.prefix}…</code> will be refused at once. This
        cannot be undone: a revoked key cannot be turned back on.
      </ConfirmDialog>
    </>
  );
}
