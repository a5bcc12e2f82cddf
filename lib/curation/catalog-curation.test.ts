import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import type { ModelManifest } from "../model/manifest";
import type { SearchService } from "../search/types";
import { CatalogCuration } from "./catalog-curation";

const dim = 4;
const model = { id: "0123456789abcdef", name: "test", kind: "backbone", embedding: { output: "embedding", dim } } as ModelManifest;

/** The part of the service the curation reads: the served items, their vectors and the model (no classifier: votes only). */
function fakeService(items: CatalogItem[], vectors: Float32Array) {
  const state = { items, vectors };
  const service = {
    model,
    get items() {
      return state.items;
    },
    snapshot: () => ({ items: state.items, vectors: state.vectors }),
  } as unknown as SearchService;
  return { service, state };
}

const item = (id: string, label: string, hash: string) => ({ id, label, articleType: label, imageHash: hash.padStart(64, "0"), productDisplayName: id }) as CatalogItem;

function catalog() {
  const items: CatalogItem[] = [];
  const vectors = new Float32Array(90 * dim);
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    items.push(item(`i${i}`, ["A", "B", "C"][c]!, String(i + 1)));
    vectors[i * dim + c] = 1;
    vectors[i * dim + 3] = 0.001 * i;
  }
  for (let r = 0; r < 90; r++) {
    const row = vectors.subarray(r * dim, (r + 1) * dim);
    const norm = Math.hypot(...row);
    row.forEach((x, d) => (row[d] = x / norm));
  }
  return { items, vectors };
}

describe("CatalogCuration", () => {
  const options = { modelsDir: "unused", cacheDir: "unused", catalogDir: "/nonexistent-catalog", maxPixels: 1e6 };

  it("analyses once per catalog state; a label-only change re-ranks over the same neighbour graph", async () => {
    const { items, vectors } = catalog();
    const { service, state } = fakeService(items, vectors);
    const curation = new CatalogCuration(service, options);
    const first = await curation.analyse();
    expect(await curation.analyse()).toBe(first); // the same state: nothing recomputed
    expect(first.suspects).toHaveLength(0); // three clean clusters

    state.items = items.map((it) => (it.id === "i4" ? { ...it, label: "C", articleType: "C" } : it)); // a B filed as C
    const relabelled = await curation.analyse();
    expect(relabelled).not.toBe(first);
    expect(relabelled.version).not.toBe(first.version);
    expect(relabelled.graph).toBe(first.graph);
    expect(relabelled.suspects[0]).toMatchObject({ id: "i4", label: "C", suggested: "B", classifier: null });

    state.items = relabelled.items.map((it) => (it.id === "i4" ? { ...it, imageHash: "f".repeat(64) } : it)); // a new photo
    const rephotographed = await curation.analyse();
    expect(rephotographed.graph).not.toBe(first.graph);

    state.items = items; // back as it was: the first state's version again
    expect((await curation.analyse()).version).toBe(first.version);
  });

  it("leaves dismissed suspects out of the page while they keep their label", async () => {
    const { items, vectors } = catalog();
    const { service } = fakeService(
      items.map((it) => (it.id === "i4" ? { ...it, label: "C" } : it)),
      vectors,
    );
    const page = await new CatalogCuration(service, options).suspects({ limit: 10, offset: 0 });
    expect(page).toMatchObject({ total: 1, dismissed: 0, classifier: false });
    expect(page.suspects.map((s) => s.id)).toEqual(["i4"]);
  });
});
