import { z } from "zod";
import { itemIdSchema } from "../../schema";

export const imagePathSchema = z.object({ id: itemIdSchema });
