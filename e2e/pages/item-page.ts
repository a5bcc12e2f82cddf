import type { Locator, Page } from "playwright-core";

/** A product page, /items/{id}. */
export class ItemPage {
  constructor(readonly page: Page) {}

  async goto(id: string): Promise<this> {
    await this.page.goto(`/items/${encodeURIComponent(id)}`);
    return this;
  }

  heading(): Locator {
    return this.page.getByRole("heading", { level: 1 });
  }

  similar(): Locator {
    return this.page.getByRole("list", { name: "Similar products, most similar first" }).locator(":scope > li");
  }

  async openCategory(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/categories\//), this.page.locator("dl").getByRole("link").first().click()]);
  }
}
