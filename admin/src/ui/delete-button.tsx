import type { UseMutationResult } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
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
  /** What is deleted: picks the title and the messages (delete.provider.*, delete.model.*). */
  what: "provider" | "model";
  mutation: UseMutationResult<unknown, Error, string>;
  /** What deleting does, shown in the confirmation. */
  children: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const notify = useToast();
  const { t } = useTranslation();
  return (
    <>
      <Button
        size="sm"
        variant="danger"
        onClick={() => setAsking(true)}
        aria-label={t("delete.buttonLabel", { name })}
      >
        {t("delete.button")}
      </Button>
      <ConfirmDialog
        open={asking}
        title={t(`delete.${what}.title`, { name })}
        confirmLabel={t(`delete.${what}.confirm`)}
        busy={mutation.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          mutation.mutate(name, {
            onSuccess: () => notify("success", t(`delete.${what}.done`, { name })),
            onError: (e) => notify("error", t("delete.failed", { name, message: e.message })),
            onSettled: () => setAsking(false),
          })
        }
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
