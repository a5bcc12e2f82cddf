import { describe, expect, it } from "vitest";
import { listAvailablePhotoScenes, photoScenes } from "./photo-scenes";
import { sceneKinds } from "./scene-kinds";

describe("photoScenes", () => {
  it("puts every photographed scene in exactly one pool, and every kind in both", () => {
    const names = photoScenes.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const files = (pool: string) => new Set(photoScenes.filter((s) => s.pool === pool).map((s) => `${s.file}#${s.entry ?? ""}`));
    const dev = files("dev");
    for (const f of files("eval")) expect(dev.has(f)).toBe(false);
    for (const kind of sceneKinds) {
      expect(photoScenes.some((s) => s.kind === kind && s.pool === "dev"), kind).toBe(true);
      expect(photoScenes.some((s) => s.kind === kind && s.pool === "eval"), kind).toBe(true);
    }
  });

  it("lists only the scenes whose files exist", () => {
    const missing = { ...photoScenes[0]!, name: "x", file: "/nonexistent/scene.jpg" };
    expect(listAvailablePhotoScenes(missing.pool, [missing])).toEqual([]);
  });
});
