"use client";

import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";

// Everything the reference needs is bundled here: no font CDN, no telemetry, no AI agent,
// and "try it" sends its requests straight to this origin (no proxy), so the page's
// CSP (connect-src 'self', font-src 'self') holds. See docs/decisions/0013-api-docs.md.
const configuration = {
  url: "/api/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  hideDarkModeToggle: true,
  forceDarkModeState: "light",
  documentDownloadType: "json",
  // Its toolbar (configure, share, deploy on Scalar's cloud) is for Scalar's own service.
  showDeveloperTools: "never",
  // Scalar's light theme greys and method colours fall under WCAG AA's 4.5:1 on white, and
  // DELETE's red under it on the dark code samples (axe in e2e/a11y.e2e.ts): the same hues, darker or lighter.
  customCss: `.light-mode {
    --scalar-color-2: #555 !important; --scalar-color-3: #636363 !important; --scalar-color-accent: #0062b0 !important;
    --scalar-color-green: #17733a !important; --scalar-color-blue: #005a9c !important; --scalar-color-orange: #8f4f00 !important;
    --scalar-color-red: #b3202a !important; --scalar-color-yellow: #7a5c00 !important; --scalar-color-purple: #6a3fb0 !important;
  }
  .dark-mode { --scalar-color-red: #ff7b72 !important; }`,
} as const;

/** Scalar's interactive reference for this API's OpenAPI document. */
export function ApiReference() {
  return (
    <div id="api-reference">
      <ApiReferenceReact configuration={configuration} />
    </div>
  );
}
