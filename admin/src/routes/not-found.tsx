import { Link } from "react-router";
import { Empty } from "../ui/states.tsx";

export function NotFoundPage() {
  return (
    <Empty title="There is no page here.">
      <Link to="/" className="text-indigo-700 underline">
        Go to the overview
      </Link>
    </Empty>
  );
}
