// Server text made safe to show: what the window renders instead of obeying. Names and messages come from
// servers and download folders, so a name can carry control characters (drawn here as symbols) and bidi
// controls (`invoice\u202Efdp.exe` reads as "invoiceexe.pdf"), which the window isolates and warns about.

/** Direction marks, embeddings, overrides and isolates: the same list as the engine's `is_bidi_control`. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** C0, DEL and C1. */
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

export function hasBidiControls(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

function codePoint(c: string): string {
  return `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/**
 * Control characters as symbols: C0 as the Control Pictures (ESC is ␛, a newline ␊), DEL as ␡, C1 as ⟨U+009B⟩.
 * Bidi controls stay, for names written right to left; the text is shown isolated and with a warning instead.
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return codePoint(c);
  });
}

/** Every invisible character named, bidi controls too: what the text really is, for a tooltip or a title. */
export function revealed(text: string): string {
  return visibleControls(text).replace(BIDI_CONTROLS, codePoint);
}

/** The tooltip of the warning beside a name (or message) with bidi controls: what is wrong, and the real text. */
export function reorderWarning(text: string, kind: "name" | "text" = "name"): string {
  return `This ${kind} contains characters that reorder text: it may not read as it really is. As written: ${revealed(text)}`;
}
