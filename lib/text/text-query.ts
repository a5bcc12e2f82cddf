import { AppError } from "../errors";
import { queryTerms, TEXT_MAX_CHARS, TEXT_MAX_TERMS } from "./tokenise";

/** What is wrong with a text query, as the message a shopper reads; undefined when it can be searched. */
export function textQueryProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return "text is empty: type a word to search for";
  if (trimmed.length > TEXT_MAX_CHARS) return `text is too long: at most ${TEXT_MAX_CHARS} characters`;
  const terms = queryTerms(trimmed);
  if (terms.length === 0) return "text has no letters or digits to search for";
  if (terms.length > TEXT_MAX_TERMS) return `text has too many words: at most ${TEXT_MAX_TERMS}`;
  return undefined;
}

/** The text query trimmed, or AppError `bad_request` saying why it cannot be searched. */
export function checkTextQuery(text: string): string {
  const problem = textQueryProblem(text);
  if (problem) throw new AppError("bad_request", problem);
  return text.trim();
}
