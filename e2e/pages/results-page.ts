import type { Locator, Page } from "playwright-core";

/** A shareable results page, /search?q=… */
export class ResultsPage {
  constructor(readonly page: Page) {}

  async goto(url: string): Promise<this> {
    await this.page.goto(url);
    await this.page.getByRole("heading", { name: "Similar products" }).waitFor();
    return this;
  }

  queryImage(): Locator {
    return this.page.getByTestId("query-image");
  }

  /** The box over the query photo showing the region searched; its data-box is the crop it stands for. */
  cropBox(): Locator {
    return this.page.getByTestId("crop-box");
  }

  /** Which region the search used, in words ("Searched your crop", …). */
  regionSource(): Locator {
    return this.page.getByTestId("region-source");
  }

  /** The words searched for in the query summary, and their remove link. */
  queryText(): Locator {
    return this.page.getByTestId("query-text");
  }

  results(): Locator {
    return this.page.getByRole("list", { name: "Results, best match first" }).locator(":scope > li");
  }

  /** Item ids in rank order. */
  async resultIds(): Promise<string[]> {
    await this.results().first().waitFor();
    return this.results().evaluateAll((items) => items.map((li) => li.getAttribute("data-item-id") ?? ""));
  }

  async openResult(rank: number): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/items\//), this.results().nth(rank).getByRole("link").first().click()]);
  }

  /** The page's error panel (Next's route announcer is an empty role=alert too). */
  error(): Locator {
    return this.page.locator('[role="alert"][data-error-code]');
  }
}
