import { fitUploadSize, uploadSpec } from "@/lib/share/query-image-spec";

/** The server's limits on an upload (lib/config.ts), handed to the browser by the page. */
export type UploadLimits = { maxUploadBytes: number; maxImagePixels: number };

/**
 * The photo the form sends: the chosen file when it already fits uploadSpec.maxSide and the
 * server's byte and pixel limits, else a JPEG the browser drew at the size that fits (EXIF
 * orientation applied, transparency on white). A file the browser cannot decode goes as it
 * is, so the server names what is wrong with it.
 */
export async function shrinkPhoto(file: File, limits: UploadLimits): Promise<File> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file;
  }
  try {
    const { width, height } = bitmap;
    const fit = fitUploadSize(width, height, uploadSpec.maxSide, limits.maxImagePixels);
    if (fit.width === width && fit.height === height && file.size <= limits.maxUploadBytes) return file;
    const canvas = document.createElement("canvas");
    canvas.width = fit.width;
    canvas.height = fit.height;
    const context = canvas.getContext("2d");
    if (!context) return file;
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, fit.width, fit.height);
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, fit.width, fit.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, uploadSpec.type, uploadSpec.quality));
    if (!blob) return file;
    return new File([blob], `${file.name.replace(/\.[^.]*$/, "") || "photo"}.jpg`, { type: uploadSpec.type });
  } finally {
    bitmap.close();
  }
}
