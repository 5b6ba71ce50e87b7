// The layers of CONTRIBUTING.md as rules dependency-cruiser checks (`npm run layers`, part of `npm test`): imports
// point down this list, static and dynamic `import()` alike, type-only imports included. A layer may import its own
// and every layer below it, never one above. test/unit/shape.test.ts checks that every file of src/ is in exactly one
// layer and that every rule's paths still match files, so a renamed folder cannot leave a rule checking nothing. The
// layers themselves are listed in scripts/layers.cjs, which that test reads too.
const { layers, alone } = require("./scripts/layers.cjs");

const upward = layers.slice(1).map((layer, i) => ({
  name: `${layer.name}-imports-upward`,
  comment: `${layer.name} may not import ${layers
    .slice(0, i + 1)
    .map((l) => l.name)
    .join(", ")}: imports point down the layers of CONTRIBUTING.md`,
  severity: "error",
  from: { path: layer.path },
  to: {
    path: layers
      .slice(0, i + 1)
      .map((l) => l.path)
      .join("|"),
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "worker-imports-terminal-ui",
      comment: "the worker process prints no terminal UI: src/services and src/worker may not import src/ui",
      severity: "error",
      from: { path: "^src/(services|worker)/" },
      to: { path: "^src/ui/" },
    },
    ...alone.map((c) => ({
      name: `${c.name}-imports-the-rest`,
      comment: `${c.name} is a component on its own: it imports nothing else of src/ (but what \`allow\` names)`,
      severity: "error",
      from: { path: c.path },
      to: { path: "^src/", pathNot: c.allow ? `${c.path}|${c.allow}` : c.path },
    })),
  ],
  options: {
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
