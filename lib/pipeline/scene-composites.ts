import { promises as fs } from "node:fs";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { cutOutStudioProduct } from "../image/studio-mask";
import { listAvailablePhotoScenes, readPhotoScenes } from "../scene/photo-scenes";
import { composeScene } from "../scene/compose-scene";
import { createPhotoBackground, createProceduralBackground, type SceneBackground } from "../scene/scene-background";
import { sceneKinds, type ScenePool } from "../scene/scene-kinds";

/** A catalog product photographed on a scene: the photo, the product it shows, the scene kind. */
export type ProductScene = { item: CatalogItem; bytes: Buffer; kind: string; background: SceneBackground };

export type SceneBackgrounds = { backgrounds: Map<string, SceneBackground[]>; photoNames: string[] };

/**
 * The backgrounds of one pool, per scene kind: procedural and the installed photographed
 * scenes of that pool alternating (procedural, a photograph, procedural, the next one...).
 */
export async function loadSceneBackgrounds(pool: ScenePool): Promise<SceneBackgrounds> {
  const photos = listAvailablePhotoScenes(pool);
  const bytes = await readPhotoScenes(photos);
  const backgrounds = new Map<string, SceneBackground[]>();
  for (const kind of sceneKinds) {
    const own = photos.filter((p) => p.kind === kind).map((p) => createPhotoBackground(p, bytes.get(p.name)!));
    backgrounds.set(kind, own.length === 0 ? [createProceduralBackground(kind)] : own.flatMap((b) => [createProceduralBackground(kind), b]));
  }
  return { backgrounds, photoNames: photos.map((p) => p.name) };
}

/**
 * Each product cut out of its studio photo and composited onto a scene: kinds in turn,
 * backgrounds in turn within a kind, composite `i` drawn from its own seed of `baseSeed`. Products
 * whose photo has nothing to cut out are skipped (counted). `onScene` sees each one as it is made.
 */
export async function composeProductScenes(
  catalogDir: string,
  items: readonly CatalogItem[],
  { backgrounds }: SceneBackgrounds,
  baseSeed: number,
  maxPixels: number,
  onScene: (scene: ProductScene, i: number) => Promise<void> | void,
): Promise<{ skipped: number }> {
  let skipped = 0;
  for (const [i, item] of items.entries()) {
    const kind = sceneKinds[i % sceneKinds.length]!;
    const choices = backgrounds.get(kind)!;
    const background = choices[Math.floor(i / sceneKinds.length) % choices.length]!;
    const product = await cutOutStudioProduct(await fs.readFile(imagePathFor(catalogDir, item)), { maxPixels });
    if (!product.mask.box) {
      skipped++;
      continue;
    }
    const { bytes } = await composeScene(product, background, (Math.imul(baseSeed, 0x9e3779b1) + i) >>> 0);
    await onScene({ item, bytes, kind, background }, i);
  }
  return { skipped };
}
