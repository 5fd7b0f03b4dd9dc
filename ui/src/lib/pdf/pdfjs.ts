// pdf.js, set up for the app's strict CSP: its worker is a file Vite bundles next to the app (script-src 'self'
// covers it, no blob: or remote URL), WebAssembly decoders stay off (they would need 'wasm-unsafe-eval'), and
// pdf.js 6 has no eval path left to turn off (its isEvalSupported option was removed with the code it guarded).
// The worker is started here rather than by pdf.js, so a worker the CSP refused fails loudly instead of pdf.js
// quietly parsing on the window's thread. This module is imported on demand: pdf.js loads with the first PDF.
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

GlobalWorkerOptions.workerPort = new Worker(workerUrl, { type: "module", name: "pdf.js" });

export type { PDFDocumentProxy, PDFPageProxy, RenderTask } from "pdfjs-dist";

/** Opens a whole PDF held in memory; pdf.js takes ownership of `data`. */
export function openPdf(data: ArrayBuffer): { promise: Promise<PDFDocumentProxy>; destroy: () => Promise<void> } {
  const task = getDocument({
    data: new Uint8Array(data),
    useWasm: false,
    useWorkerFetch: false,
    // Embedded fonts load as FontFace objects from memory; missing standard fonts fall back to system fonts
    // rather than being fetched.
    useSystemFonts: true,
    enableXfa: false,
  });
  return { promise: task.promise, destroy: () => task.destroy() };
}
