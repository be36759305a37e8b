// The rooms of src/ and who may use whom (docs/architecture.md explains why). Checked by
// test/architecture.test.ts on every `npm test`, and by `npx depcruise src frontend/src --config`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment:
        "No import cycles, type-only imports included: every room can be read from the bottom up. A Svelte view may render itself (a tree renders its branches).",
      from: { pathNot: "\\.svelte$" },
      to: { circular: true },
    },
    {
      name: "core-uses-nothing",
      severity: "error",
      comment: "core/ (errors, FileData and the FileStore interface, options, the call context) is what every room may use; it uses only the wire types.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: ["^src/core/", "^src/protocol/types\\.ts$"] },
    },
    {
      name: "components-use-only-core",
      severity: "error",
      comment: "A component converts values; files and fetching come through the FileStore interface in its context.",
      from: { path: "^src/components/" },
      to: { path: "^src/", pathNot: ["^src/components/", "^src/core/", "^src/protocol/types\\.ts$"] },
    },
    {
      name: "graph-holds-no-stores-and-runs-nothing",
      severity: "error",
      comment: "The graph is built, frozen and read; it imports no runtime, queue, server or feature.",
      from: { path: "^src/graph/" },
      to: { path: "^src/(runtime|queue|server|features|interface|load|auth|mcp)/" },
    },
    {
      name: "runtime-and-queue-know-no-http",
      severity: "error",
      comment: "Jobs and runs cross processes; HTTP is the server's alone.",
      from: { path: "^src/(runtime|queue)/" },
      to: { path: ["^src/(server|auth|interface)/", "(^|/)node_modules/(fastify|@fastify)/"] },
    },
    {
      name: "protocol-speaks-only",
      severity: "error",
      comment: "protocol/ turns graph and job events into wire JSON; it runs and serves nothing.",
      from: { path: "^src/protocol/" },
      to: { path: "^src/(runtime|server|features|interface|load|auth|mcp)/" },
    },
    {
      name: "load-returns-what-to-build",
      severity: "error",
      comment: "load/ returns what to build (components and a function); building the Interface is interface/load.ts's job.",
      from: { path: "^src/load/" },
      to: { path: "^src/(interface|server|runtime|queue|features)/" },
    },
    {
      name: "features-are-plugins-of-the-builder",
      severity: "error",
      comment: "Flagging, interpretation and examples attach to a graph while it is built; they know no server and no Interface.",
      from: { path: "^src/features/" },
      to: { path: "^src/(server|interface|load|auth|mcp|queue)/" },
    },
    {
      name: "mcp-speaks-tools-not-http",
      severity: "error",
      comment: "mcp/ turns the graph into tools and results; the server carries its transports and runs jobs for it.",
      from: { path: "^src/mcp/" },
      to: { path: "^src/(server|interface|auth|runtime|features|load)/" },
    },
    {
      name: "the-page-reads-only-the-wire-types",
      severity: "error",
      comment: "The page and the server share the wire contract, nothing else.",
      from: { path: "^frontend/" },
      to: { path: "^src/", pathNot: "^src/protocol/types\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$|\\.test-d\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".svelte"] },
  },
};
