import { describe, expect, it } from "vitest";
import { createSameLabelRelevance, judgeResults, type Relevance } from "./relevance";
import { evaluateRetrieval } from "./retrieval";

type Item = { label: string; colour: string };
const query: Item = { label: "Tshirts", colour: "Blue" };
const results: Item[] = [
  { label: "Tshirts", colour: "Red" },
  { label: "Shirts", colour: "Blue" },
  { label: "Tshirts", colour: "Blue" },
];

describe("relevance", () => {
  it("the reference relevance flags results with the query's label and names the column", () => {
    const sameLabel = createSameLabelRelevance("articleType");
    expect(sameLabel.description).toBe("same articleType");
    expect(judgeResults(sameLabel, query, results)).toEqual([true, false, true]);
  });

  it("a protocol's own relevance changes the metrics, not the metric code", () => {
    const sameLabelAndColour: Relevance<Item> = {
      description: "same articleType and baseColour",
      isRelevant: (q, r) => r.label === q.label && r.colour === q.colour,
    };
    const byLabel = evaluateRetrieval([{ label: query.label, relevant: judgeResults(createSameLabelRelevance("articleType"), query, results) }]);
    const byColour = evaluateRetrieval([{ label: query.label, relevant: judgeResults(sameLabelAndColour, query, results) }]);
    expect(byLabel.overall.mrr).toBe(1);
    expect(byColour.overall.mrr).toBe(1 / 3);
    expect(byColour.overall.pAt5).toBe(1 / 5);
  });
});
