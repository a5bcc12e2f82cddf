import { describe, expect, it } from "vitest";
import { multipartBody } from "./next-server";

describe("bench HTTP helpers", () => {
  it("builds a multipart body that a standard parser reads back byte for byte", async () => {
    const bytes = Uint8Array.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    const body = multipartBody("image", "p.jpg", bytes, "----b");
    const form = await new Request("http://x/", {
      method: "POST",
      body: Uint8Array.from(body),
      headers: { "content-type": "multipart/form-data; boundary=----b" },
    }).formData();
    const file = form.get("image");
    expect(file).toBeInstanceOf(File);
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(bytes);
  });
});
