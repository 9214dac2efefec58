import { formatTime } from "./format.ts";

/** Date and time on two lines on phones, one line on wider screens. */
export function TwoLineTime({ iso }: { iso: string | null }) {
  if (!iso) return <>—</>;
  const [date, time] = formatTime(iso).split(" ");
  return (
    <>
      <span className="block text-xs sm:inline sm:text-sm">{date}</span> <span>{time}</span>
    </>
  );
}
