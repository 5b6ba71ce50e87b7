// The text after a verb's options in `--help` (examples, notes, lists), laid out for the help's width: prose lines
// are joined into paragraphs and re-wrapped, list lines hang under their first column, an example's comment moves
// under its command when both do not fit. Nothing is cut and no word is broken (a word wider than the line stays whole).
import { displayWidth, hanging, indented, keepTogether, terminalWidth } from "../../ui/text.js";

/** The width `--help` is laid out in: the terminal's, COLUMNS when piped, else 80 (commander's own default). */
export function helpWidth(error = false): number {
  return terminalWidth(error ? process.stderr : process.stdout, 80);
}

/** Lay out a help text block for `width` columns. */
export function fitHelpText(text: string, width: number): string {
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(...indented(para.join(" "), width));
    para = [];
  };
  for (const line of text.split("\n")) {
    if (!line.trim() || (/^\S.*:$/.test(line) && line.length <= 50)) {
      flush();
      out.push(line);
    } else if (/^\S/.test(line)) para.push(line.trim());
    else {
      flush();
      out.push(...fitIndentedLine(line, width));
    }
  }
  flush();
  return out.join("\n");
}

function fitIndentedLine(raw: string, width: number): string[] {
  if (displayWidth(raw) <= width) return [raw];
  // a quoted name ("Charge payment") is one thing to copy: never split across lines
  const line = raw.replace(/"[^"\n]*"/g, keepTogether);
  const lead = /^ */.exec(line)![0];
  const example = /^(\s*\$ .*?)\s+(# .*)$/.exec(line);
  if (example) {
    // the command on its line (wrapped if it must), its comment under it
    return [...hanging(lead, example[1]!.trim(), width, lead.length + 4), ...hanging(`${lead}    `, example[2]!, width, lead.length + 6)];
  }
  // "  name   values…": continuation lines line up with the second column
  const columns = /^(\s*\S+\s{2,})/.exec(line);
  const indent = columns ? displayWidth(columns[1]!) : lead.length + 2;
  return hanging(columns ? columns[1]! : lead, line.slice(columns ? columns[1]!.length : lead.length), width, indent > width / 2 ? lead.length + 4 : indent);
}
