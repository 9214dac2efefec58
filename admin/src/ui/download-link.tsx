import { focusRing } from "./button.tsx";

/**
 * A link that downloads a file the server streams (a CSV export), styled as a button: the
 * browser saves it as it arrives, nothing is held in the page.
 */
export function DownloadLink({ href, title, children }: { href: string; title?: string; children: string }) {
  return (
    <a
      href={href}
      title={title}
      download
      className={`inline-flex items-center justify-center gap-1.5 rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-xs ring-1 ring-slate-300 hover:bg-slate-50 ${focusRing}`}
    >
      {children}
    </a>
  );
}
