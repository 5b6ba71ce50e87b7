import ts from "typescript";
import fs from "node:fs";
for (const f of process.argv.slice(2)) {
  const src = fs.readFileSync(f, "utf8");
  const sf = ts.createSourceFile(f, src, ts.ScriptTarget.Latest, true);
  const lines = src.split("\n").length;
  if (lines > 500) console.log(`${f}: ${lines} lines`);
  const visit = (n) => {
    if (ts.isFunctionLike(n) && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart()).line, b = sf.getLineAndCharacterOfPosition(n.end).line;
      if (b - a + 1 > 80) console.log(`${f}:${a + 1} function of ${b - a + 1} lines`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
