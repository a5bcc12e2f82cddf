import { z } from "zod";

/** How an image becomes the model's input tensor; read from the manifest, never hard-coded at call sites. */
export const preprocessSchema = z.object({
  /** Input height and width in pixels; ResNet's global pooling accepts any size, so they need not be equal. */
  height: z.number().int().min(32).max(1024),
  width: z.number().int().min(32).max(1024),
  /** `center-crop`: scaled to cover height×width, centre cropped; `letterbox`: whole image fitted inside, padded with `background`. */
  resize: z.enum(["center-crop", "letterbox"]),
  channelOrder: z.enum(["RGB", "BGR"]),
  /** Subtracted per channel, in `channelOrder` order, on the 0..255 scale. */
  mean: z.tuple([z.number(), z.number(), z.number()]),
  /** Divided per channel after the mean; [1,1,1] = no scaling (Keras "caffe" mode). */
  std: z.tuple([z.number(), z.number(), z.number()]),
  layout: z.literal("NHWC"),
  /** Colour used to flatten alpha and pad letterboxed images (product photos sit on white). */
  background: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
});
export type PreprocessConfig = z.infer<typeof preprocessSchema>;
