import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useUpdateKey } from "../../api/keys.ts";
import { Button } from "../../ui/button.tsx";
import { useToast } from "../../ui/toast.tsx";

/** Suspend (refused with 401 key_suspended) or resume a key: unlike revoking, it can be undone. */
export function SuspendButton({ keyView, size = "sm" }: { keyView: KeyView; size?: "sm" | "md" }) {
  const update = useUpdateKey(keyView.id);
  const notify = useToast();
  if (keyView.status === "revoked") return null;
  const suspended = keyView.status === "suspended";
  const verb = suspended ? "Resume" : "Suspend";
  return (
    <Button
      size={size}
      disabled={update.isPending}
      aria-label={`${verb} ${keyView.name}`}
      onClick={() =>
        update.mutate(
          { status: suspended ? "active" : "suspended" },
          {
            onSuccess: () =>
              notify("success", `Key "${keyView.name}" ${suspended ? "resumed" : "suspended"}.`),
            onError: (e) => notify("error", `Could not ${verb.toLowerCase()}: ${e.message}`),
          },
        )
      }
    >
      {verb}
    </Button>
  );
}
