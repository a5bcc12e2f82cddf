import type { Locator, Page } from "playwright-core";

export type PhotoFile = { name: string; mimeType: string; buffer: Buffer };

/** The upload form, on the home page or a category page (`scope` narrows to one form). */
export class SearchFormObject {
  readonly form: Locator;

  constructor(
    readonly page: Page,
    scope: Locator = page.getByTestId("search-form"),
  ) {
    this.form = scope;
  }

  /** Puts a photo in the file field; the form starts searching at once (no Search press). */
  async choosePhoto(photo: PhotoFile): Promise<void> {
    await this.form.locator('input[type="file"][name="image"]').setInputFiles(photo);
  }

  /** Chooses a photo and waits for the results URL the search lands on by itself. */
  async searchWith(photo: PhotoFile): Promise<void> {
    await Promise.all([this.waitForResults(), this.choosePhoto(photo)]);
  }

  /** Waits for the shareable results URL (the search started when the photo was picked). */
  async waitForResults(): Promise<void> {
    await this.page.waitForURL(/\/search\?q=/, { timeout: 45_000 });
  }

  /** Drops a photo on the drop zone as a user dragging a file would. */
  async dropPhoto(photo: PhotoFile): Promise<void> {
    const transfer = await this.page.evaluateHandle(({ bytes, name, mimeType }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      return data;
    }, toTransferable(photo));
    await this.form.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
  }

  /** Pastes a photo as Ctrl+V with an image on the clipboard would. */
  async pastePhoto(photo: PhotoFile): Promise<void> {
    await this.page.evaluate(({ bytes, name, mimeType }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, toTransferable(photo));
  }

  /** Types into the Words box (the text search). */
  async typeWords(words: string): Promise<void> {
    await this.form.locator('input[name="text"]').fill(words);
  }

  async selectFilter(label: string, value: string): Promise<void> {
    await this.form.getByLabel(label, { exact: true }).selectOption(value);
  }

  async setResultCount(k: number): Promise<void> {
    await this.form.getByLabel("Results", { exact: true }).fill(String(k));
  }

  preview(): Locator {
    return this.form.getByAltText("Preview of the photo to search with");
  }

  async submit(): Promise<void> {
    await this.form.getByRole("button", { name: "Search" }).click();
  }

  /** Submits and waits for the shareable results URL. */
  async submitAndWaitForResults(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/search\?q=/, { timeout: 30_000 }), this.submit()]);
  }

  error(): Locator {
    return this.form.getByRole("alert");
  }
}

export class HomePage extends SearchFormObject {
  async goto(): Promise<this> {
    await this.page.goto("/");
    // Hydrated: a drop or paste dispatched before React attaches its handlers would be lost.
    await this.form.locator('[data-testid="dropzone"][data-ready="true"]').waitFor();
    return this;
  }
}

function toTransferable(photo: PhotoFile) {
  return { bytes: [...photo.buffer], name: photo.name, mimeType: photo.mimeType };
}
