import { z } from "zod";

/** Largest import request (CSV plus photos or one archive); larger catalogs go through `npm run catalog:import`. */
export const IMPORT_MAX_BYTES = 512 * 1024 * 1024;

/** Multipart fields of POST /api/items/import. */
export const importFields = { csv: "csv", images: "images" } as const;

/** The multipart body, for documentation (the route checks it while reading). */
export const importBodySchema = z.object({
  [importFields.csv]: z.file().describe("The products: styles.csv columns; id, articleType and productDisplayName required"),
  [importFields.images]: z
    .array(z.file())
    .describe("Photos named <id>.<jpg|png|webp|gif>, or a single .zip/.tar/.tar.gz holding them"),
});
