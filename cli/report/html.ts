// The shell every report page shares: inline CSS, no script, no remote resource, so it opens offline.

export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#111;max-width:72rem}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd}
.right{text-align:right}.left{text-align:left}tr.chosen{background:#ecfdf5;font-weight:600}
tr.failed{background:#fef2f2}.passed{color:#15803d}.failed-text{color:#b91c1c;font-weight:600}
code{background:#f3f4f6;padding:0 .2rem}.note{color:#374151;font-size:.9rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:.9rem;color:#374151}`;

/** A whole page around `body` (already HTML). */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style></head><body>
${body}
</body></html>
`;
}

/** A table cell: text (escaped here) or markup made by the caller (a link). */
export type Cell = string | { html: string };

/** An HTML table from header cells and rows of cells; `rowClass` marks rows. */
export function renderHtmlTable(
  headers: { text: string; align: "left" | "right" }[],
  rows: Cell[][],
  rowClass: (index: number) => string | undefined = () => undefined,
  tableClass?: string,
): string {
  const head = headers.map((h) => `<th class="${h.align}">${escapeHtml(h.text)}</th>`).join("");
  const body = rows
    .map((cells, i) => {
      const css = rowClass(i);
      const tds = cells
        .map(
          (cell, j) =>
            `<td class="${headers[j]?.align ?? "left"}">${typeof cell === "string" ? escapeHtml(cell) : cell.html}</td>`,
        )
        .join("");
      return `<tr${css ? ` class="${css}"` : ""}>${tds}</tr>`;
    })
    .join("\n");
  return `<table${tableClass ? ` class="${tableClass}"` : ""}><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
