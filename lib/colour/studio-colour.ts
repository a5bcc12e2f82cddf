import { cutOutStudioProduct, estimateStudioMask } from "../image/studio-mask";
import type { DecodeLimits } from "../image/decode";
import { describeRgbColour, type ColourDescriptorConfig } from "./colour-descriptor";

/**
 * The colour descriptor of a catalog (studio) photo, weighted by its studio product
 * mask so the white background does not count; the whole photo when no product stands out.
 */
export async function describeStudioPhotoColour(bytes: Uint8Array, config: ColourDescriptorConfig, limits: DecodeLimits): Promise<Float32Array> {
  const cut = await cutOutStudioProduct(bytes, limits);
  const pixels = cut.width * cut.height;
  const rgb = new Uint8Array(pixels * 3);
  const weights = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    rgb[3 * p] = cut.rgba[4 * p]!;
    rgb[3 * p + 1] = cut.rgba[4 * p + 1]!;
    rgb[3 * p + 2] = cut.rgba[4 * p + 2]!;
    weights[p] = cut.mask.alpha[p]! / 255;
  }
  return describeRgbColour(rgb, config, cut.mask.box ? weights : undefined);
}

/**
 * describeStudioPhotoColour of a photo already decoded as cutOutStudioProduct decodes it
 * (opaque sRGB at its own size, interleaved RGB): the same descriptor without a second decode.
 */
export function describeDecodedStudioColour(rgb: Uint8Array, width: number, height: number, config: ColourDescriptorConfig): Float32Array {
  const mask = estimateStudioMask(rgb, width, height, 3);
  const weights = Float32Array.from(mask.alpha, (a) => a / 255);
  return describeRgbColour(rgb, config, mask.box ? weights : undefined);
}
