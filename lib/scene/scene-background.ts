import sharp, { type OutputInfo, type Sharp } from "sharp";
import { createRng } from "../random";
import type { PhotoScene } from "./photo-scenes";
import { renderProceduralScene } from "./procedural-scenes";
import type { SceneKind } from "./scene-kinds";

/** Something a product can be photographed on, rendered at any frame size from a seed. */
export type SceneBackground = {
  /** e.g. `procedural:wood` or `sweethome3d:woodenFloor`. */
  name: string;
  kind: SceneKind;
  origin: "procedural" | "photo";
  /** 8-bit RGB, width×height×3. */
  render(width: number, height: number, seed: number): Promise<Uint8Array>;
};

/** A procedural scene of `kind`: every seed a new surface. */
export function createProceduralBackground(kind: SceneKind): SceneBackground {
  return {
    name: `procedural:${kind}`,
    kind,
    origin: "procedural",
    render: async (width, height, seed) => renderProceduralScene(kind, seed, width, height),
  };
}

/**
 * A photographed scene: a seamless texture tiled at a random scale and offset, or a
 * photo cropped at a random zoom and place; either may be mirrored.
 */
export function createPhotoBackground(scene: PhotoScene, bytes: Buffer): SceneBackground {
  let decoded: Promise<{ data: Buffer; info: OutputInfo }> | undefined;
  return {
    name: scene.name,
    kind: scene.kind,
    origin: "photo",
    async render(width, height, seed) {
      const rng = createRng(seed);
      decoded ??= sharp(bytes).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
      const { data, info } = await decoded;
      const source = () => sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
      let frame: Sharp;
      if (scene.layout === "tile") {
        // A texture tile spans 1/6 to 1/2 of the frame's longer side.
        const tile = Math.max(16, Math.round(Math.max(width, height) * (1 / 6 + rng() / 3)));
        const tileScale = tile / Math.max(info.width, info.height);
        const tw = Math.max(1, Math.round(info.width * tileScale));
        const th = Math.max(1, Math.round(info.height * tileScale));
        const tilePixels = await source().resize(tw, th, { fit: "fill" }).raw().toBuffer();
        const ox = Math.floor(rng() * tw);
        const oy = Math.floor(rng() * th);
        const big = Buffer.alloc((width + tw) * (height + th) * 3);
        const bw = width + tw;
        for (let y = 0; y < height + th; y++) {
          for (let x = 0; x < bw; x++) {
            const s = ((y % th) * tw + (x % tw)) * 3;
            const d = (y * bw + x) * 3;
            big[d] = tilePixels[s]!;
            big[d + 1] = tilePixels[s + 1]!;
            big[d + 2] = tilePixels[s + 2]!;
          }
        }
        frame = sharp(big, { raw: { width: bw, height: height + th, channels: 3 } }).extract({ left: ox, top: oy, width, height });
      } else {
        // The largest crop of the frame's aspect, zoomed in 1–2×, at a random place.
        const zoom = 1 + rng();
        const aspect = width / height;
        let cw = info.width;
        let ch = Math.round(cw / aspect);
        if (ch > info.height) {
          ch = info.height;
          cw = Math.round(ch * aspect);
        }
        cw = Math.max(8, Math.round(cw / zoom));
        ch = Math.max(8, Math.round(ch / zoom));
        const left = Math.floor(rng() * (info.width - cw + 1));
        const top = Math.floor(rng() * (info.height - ch + 1));
        frame = source().extract({ left, top, width: cw, height: ch }).resize(width, height, { fit: "fill" });
      }
      if (rng() < 0.5) frame = sharp(await frame.raw().toBuffer(), { raw: { width, height, channels: 3 } }).flop();
      const out = await frame.raw().toBuffer();
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}
