import Link from "next/link";
import { secondaryButton } from "./form-classes";

/** The end of a GET filter form: submit, and a way back to the unfiltered list when something is filtered. */
export function FilterActions({ filtered, clearHref }: { filtered: boolean; clearHref: string }) {
  return (
    <>
      <button type="submit" className={secondaryButton}>
        Filter
      </button>
      {filtered ? (
        <Link href={clearHref} className="inline-flex min-h-11 items-center px-2 underline">
          Clear filters
        </Link>
      ) : null}
    </>
  );
}
