import { z } from "zod";
import { EXPLORE_MAX, OFFSET_MESSAGE, sortOrders, type SortOrder } from "../search/explore";
import { FEEDBACK_MAX_IDS, type Feedback } from "../search/feedback";

/** A comma-separated list of catalog ids (ids never hold commas), bounded, no repeats. */
const idListSchema = (name: "positive" | "negative", meaning: string) =>
  z
    .string({ error: `${name} must be given once, as comma-separated item ids` })
    .max(FEEDBACK_MAX_IDS * 129, { error: `${name} is too long` })
    .transform((value, ctx) => {
      const ids = value.split(",").map((id) => id.trim());
      if (ids.some((id) => id.length === 0 || id.length > 128)) {
        ctx.addIssue({ code: "custom", message: `${name} must be comma-separated item ids, none empty` });
        return z.NEVER;
      }
      if (ids.length > FEEDBACK_MAX_IDS) {
        ctx.addIssue({ code: "custom", message: `${name} holds ${ids.length} ids; at most ${FEEDBACK_MAX_IDS}` });
        return z.NEVER;
      }
      return [...new Set(ids)];
    })
    .optional()
    .describe(`Comma-separated item ids (at most ${FEEDBACK_MAX_IDS}) ${meaning}; an unknown id is a 400 naming it`);

/** The 👍/👎 item lists as query parameters: shared by the search and similar APIs and the share URL. */
export const feedbackParamsSchema = z.object({
  positive: idListSchema("positive", "marked 'more like these': the query moves towards their stored vectors"),
  negative: idListSchema("negative", "marked 'less like that': the query moves away from them and they are left out"),
});

/** offset as a query parameter: plain decimal digits; the engine checks k + offset ≤ EXPLORE_MAX. */
export const offsetSchema = z
  .string({ error: OFFSET_MESSAGE })
  .regex(/^[0-9]{1,6}$/, { error: OFFSET_MESSAGE })
  .default("0")
  .transform(Number)
  .pipe(z.number().int().min(0, { error: OFFSET_MESSAGE }).max(EXPLORE_MAX - 1, { error: OFFSET_MESSAGE }))
  .describe(`Results skipped before this page ("show more"); k + offset at most ${EXPLORE_MAX}`);

export const sortSchema = z
  .enum(sortOrders, { error: `sort must be one of ${sortOrders.join(", ")}` })
  .default("match")
  .describe(`match: best first; name: the ${EXPLORE_MAX} best matches ordered by product name`);

/** Whether an API answer also counts the filter values over the best matches. */
export const facetsParamSchema = z
  .enum(["true", "false"], { error: "facets must be true or false" })
  .optional()
  .describe(`Also answer facets: per filter, the values and their counts among the ${EXPLORE_MAX} best matches (each filter's counts apply the other filters)`);

/** offset and sort as query parameters. */
export const pageParamsSchema = z.object({ offset: offsetSchema, sort: sortSchema });

/** The parsed feedback, or undefined when neither list is given. */
export function toFeedback(positive: readonly string[] | undefined, negative: readonly string[] | undefined): Feedback | undefined {
  if (!positive?.length && !negative?.length) return undefined;
  return { positive: positive ?? [], negative: negative ?? [] };
}

/** Only the non-default page and feedback options, so a plain search's options stay as they were. */
export function toExploreOptions(params: { offset: number; sort: SortOrder; positive?: string[]; negative?: string[] }): {
  offset?: number;
  sort?: SortOrder;
  feedback?: Feedback;
} {
  const feedback = toFeedback(params.positive, params.negative);
  return {
    ...(params.offset > 0 ? { offset: params.offset } : {}),
    ...(params.sort !== "match" ? { sort: params.sort } : {}),
    ...(feedback ? { feedback } : {}),
  };
}

/** Appends the non-default page and feedback options in their canonical order (sort, offset, positive, negative). */
export function appendExploreParams(params: URLSearchParams, options: { offset?: number; sort?: SortOrder; feedback?: Feedback }): void {
  if (options.sort && options.sort !== "match") params.append("sort", options.sort);
  if (options.offset) params.append("offset", String(options.offset));
  if (options.feedback?.positive.length) params.append("positive", options.feedback.positive.join(","));
  if (options.feedback?.negative.length) params.append("negative", options.feedback.negative.join(","));
}
