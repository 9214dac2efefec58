import type { UseMutationResult } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Button } from "./button.tsx";
import { ConfirmDialog } from "./dialog.tsx";
import { useToast } from "./toast.tsx";

/**
 * A Delete button that asks first. The server may refuse (409 while something still uses
 * the item): its message is shown as it is, since it says what to change first.
 */
export function DeleteButton({
  name,
  what,
  mutation,
  children,
}: {
  name: string;
  /** "provider", "model": for the title and the messages. */
  what: string;
  mutation: UseMutationResult<unknown, Error, string>;
  /** What deleting does, shown in the confirmation. */
  children: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const notify = useToast();
  return (
    <>
      <Button size="sm" variant="danger" onClick={() => setAsking(true)} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Delete ${what} “${name}”?`}
        confirmLabel={`Delete ${what}`}
        busy={mutation.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          mutation.mutate(name, {
            onSuccess: () => notify("success", `The ${what} ${name} is deleted.`),
            onError: (e) => notify("error", `Could not delete ${name}: ${e.message}`),
            onSettled: () => setAsking(false),
          })
        }
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
