import Link from "next/link";
import type { Feedback } from "@/lib/search/feedback";

const buttonClass = "flex-1 rounded-md border px-2 py-1 text-center text-sm transition hover:border-neutral-500";

/**
 * 👍 / 👎 under a result, in words ("More" / "Less": no emoji font is needed to read them): each is a link to the same search with this item added to (or, when
 * already marked, taken out of) the feedback, so the refined search is a share URL and works
 * without JavaScript.
 */
export function FeedbackLinks({ id, name, feedback, hrefFor }: { id: string; name: string; feedback: Feedback; hrefFor: (next: Feedback) => string }) {
  const liked = feedback.positive.includes(id);
  const disliked = feedback.negative.includes(id);
  const without = (ids: readonly string[]) => ids.filter((other) => other !== id);
  const like = liked ? { ...feedback, positive: without(feedback.positive) } : { positive: [...feedback.positive, id], negative: without(feedback.negative) };
  const dislike = disliked ? { ...feedback, negative: without(feedback.negative) } : { positive: without(feedback.positive), negative: [...feedback.negative, id] };
  return (
    <div className="mt-1 flex gap-1" data-testid="feedback">
      <Link
        href={hrefFor(like)}
        scroll={false}
        // The name says the state: aria-pressed is not allowed on a link (axe, e2e/a11y.e2e.ts).
        aria-label={liked ? `Undo more like ${name}` : `More like ${name}`}
        className={`${buttonClass} ${liked ? "border-green-700 bg-green-50" : "border-neutral-300 bg-white"}`}
      >
        More
      </Link>
      <Link
        href={hrefFor(dislike)}
        scroll={false}
        aria-label={`Less like ${name}: hide it and re-rank`}
        className={`${buttonClass} border-neutral-300 bg-white`}
      >
        Less
      </Link>
    </div>
  );
}
