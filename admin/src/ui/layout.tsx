import { type ReactNode, useId } from "react";

export function PageHeader({
  title,
  actions,
  children,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight break-words">{title}</h1>
        {children && <div className="mt-1 text-sm text-slate-500">{children}</div>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className = "",
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  // A titled card is a region named by its title (landmark navigation, and tests find it so).
  const id = useId();
  return (
    <section
      aria-labelledby={title ? id : undefined}
      className={`rounded-xl bg-white p-4 shadow-xs ring-1 ring-slate-200 ${className}`}
    >
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && (
            <h2 id={id} className="text-base font-semibold">
              {title}
            </h2>
          )}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

/** A labelled number; `testId` lets e2e tests read the value. */
export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-xs ring-1 ring-slate-200">
      <div className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</div>
      <div className="mt-1 text-lg font-semibold break-words tabular-nums sm:text-xl" data-testid={testId}>
        {value}
      </div>
      {hint && <div className="mt-0.5 text-xs text-slate-500">{hint}</div>}
    </div>
  );
}

/** Tables scroll sideways inside their card on narrow screens instead of breaking the page. */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="relative -mx-4 overflow-x-auto px-4">
      <table aria-label={label} className="w-full min-w-full text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export const th =
  "border-b border-slate-200 px-2 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase whitespace-nowrap";
export const td = "border-b border-slate-100 px-2 py-2 align-top";

export function Badge({
  tone,
  children,
}: {
  tone: "green" | "red" | "slate" | "amber";
  children: ReactNode;
}) {
  const tones = {
    green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    red: "bg-red-50 text-red-800 ring-red-200",
    slate: "bg-slate-100 text-slate-700 ring-slate-200",
    amber: "bg-amber-50 text-amber-800 ring-amber-200",
  };
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${tones[tone]}`}>
      {children}
    </span>
  );
}
