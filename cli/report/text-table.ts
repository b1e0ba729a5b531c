// Plain-text tables for the terminal and Markdown tables for summary.md, from the same rows.

export interface Column<Row> {
  header: string;
  align: "left" | "right";
  cell(row: Row): string;
}

export function renderTextTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => (line[i] ?? "").length)),
  );
  const pad = (text: string, i: number) => {
    const width = widths[i] ?? 0;
    return columns[i]?.align === "right" ? text.padStart(width) : text.padEnd(width);
  };
  const header = columns.map((column, i) => pad(column.header, i)).join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const body = cells.map((line) => line.map((text, i) => pad(text, i)).join("  "));
  return [header, rule, ...body].map((line) => line.trimEnd()).join("\n");
}

export function renderMarkdownTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const escapePipes = (text: string) => text.replace(/\|/g, "\\|");
  const header = `| ${columns.map((c) => escapePipes(c.header)).join(" | ")} |`;
  const rule = `| ${columns.map((c) => (c.align === "right" ? "---:" : ":---")).join(" | ")} |`;
  const body = rows.map((row) => `| ${columns.map((c) => escapePipes(c.cell(row))).join(" | ")} |`);
  return [header, rule, ...body].join("\n");
}
