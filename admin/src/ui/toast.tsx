import { createContext, type ReactNode, useCallback, useContext, useState } from "react";
import { useTranslation } from "react-i18next";

type Toast = { id: number; kind: "success" | "error"; text: string };
type Notify = (kind: Toast["kind"], text: string) => void;

const ToastContext = createContext<Notify>(() => {});

/** Short messages after an action; errors stay until dismissed, successes fade after 4 s. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>(
    (kind, text) => {
      const id = Date.now() + Math.random();
      setToasts((t) => [...t, { id, kind, text }]);
      if (kind === "success") setTimeout(() => dismiss(id), 4000);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="fixed inset-x-3 bottom-3 z-50 flex flex-col items-end gap-2 sm:left-auto sm:w-96">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.kind === "error" ? "alert" : "status"}
            className={`flex w-full items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${
              toast.kind === "error"
                ? "bg-red-50 text-red-900 ring-red-200"
                : "bg-emerald-50 text-emerald-900 ring-emerald-200"
            }`}
          >
            <span className="flex-1">{toast.text}</span>
            <button
              type="button"
              aria-label={t("toast.dismiss")}
              className="rounded px-1 text-lg leading-none opacity-60 hover:opacity-100"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
