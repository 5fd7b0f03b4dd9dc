// The one-line report above a CSV preview: how the file is written, as docket-preview detected it, e.g.
// "Semicolon-separated · Windows-1252 · 3 ragged rows".

const DELIMITERS: Record<string, string> = {
  ",": "Comma-separated",
  ";": "Semicolon-separated",
  "\t": "Tab-separated",
  "|": "Pipe-separated",
};

/** encoding_rs labels, as people write them. */
const ENCODINGS: Record<string, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 LE",
  "utf-16be": "UTF-16 BE",
  "windows-1252": "Windows-1252",
};

export interface RaggedCount {
  /** Rows whose field count differs from the table's, among the rows read. */
  ragged: number;
  rowsRead: number;
  /** Every row of the table was read, so `ragged` is the file's count. */
  complete: boolean;
}

export function delimiterName(delimiter: string): string {
  return DELIMITERS[delimiter] ?? `Separated by “${delimiter}”`;
}

export function encodingName(label: string): string {
  return ENCODINGS[label.toLowerCase()] ?? label;
}

export function raggedText({ ragged, rowsRead, complete }: RaggedCount): string | null {
  if (ragged === 0) return null;
  const rows = ragged === 1 ? "1 ragged row" : `${ragged} ragged rows`;
  return complete ? rows : `${rows} in the first ${rowsRead.toLocaleString("en-US")}`;
}

export function dialectReport(
  table: { delimiter: string; encoding: string; hasHeader: boolean },
  count: RaggedCount,
): string {
  const parts = [delimiterName(table.delimiter), encodingName(table.encoding)];
  if (!table.hasHeader) parts.push("no header row");
  const ragged = raggedText(count);
  if (ragged) parts.push(ragged);
  return parts.join(" · ");
}
