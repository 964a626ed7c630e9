/**
 * The layers of DESIGN.md, checked by a tool rather than by memory.
 * Run: npm run lint:deps
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-pure',
      comment: 'src/engine holds the rules: no adapter, no store or scheduler implementation, no CLI, no config loader.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(adapters/|src/(stores|scheduler|outbox|clock|cli|config)/)' },
    },
    {
      name: 'engine-imports-no-io-library',
      comment: 'The engine imports no platform library, no Redis client, no queue, no file or network module.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '(^|/)node_modules/(discord\\.js|@discordjs|telegraf|ioredis|bullmq|redis)/|^(fs|net|http|https|child_process|dgram|tls)$' },
    },
    {
      name: 'model-is-the-bottom',
      comment: 'src/model holds the words every layer shares (campaign, records, events, refusal codes, audit entries): it imports nothing of the project but itself.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^(adapters|rehearsal|bench|src/(?!model/))' },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'Ports only describe what the engine needs, in the words of src/model; they never import the engine above them.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^(adapters|rehearsal|bench|src/(?!(model|ports)/))' },
    },
    {
      name: 'engine-renders-nothing',
      comment: 'The engine answers values and events; wording, rendering, logs and metrics belong to the layers above.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(rehearsal/|src/(render|i18n|observe)/)' },
    },
    {
      name: 'rehearsal-stays-out-of-the-product',
      comment: 'The stand-ins, the crowd and the rehearsal threads are tooling: only `cocreate rehearse` (src/cli/commands/rehearse.ts), bench and the tests import them.',
      severity: 'error',
      from: { path: '^(src|adapters)/', pathNot: '^src/cli/commands/rehearse\\.ts$' },
      to: { path: '^rehearsal/' },
    },
    {
      name: 'adapters-never-touch-redis',
      comment: 'Adapters reach the store and the queues only through the engine and the outbox delivery they register.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '(^|/)node_modules/(ioredis|bullmq)/|^src/(stores|scheduler)/' },
    },
    {
      name: 'only-the-cli-wires',
      comment: 'src/cli is the composition root; nothing below imports it. src/api (the runtime a host program embeds: the same wiring) and the package entry src/index.ts may.',
      severity: 'error',
      from: { pathNot: '^(src/cli/|src/api/|src/index\\.ts$|rehearsal/|bench/|test/)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'library-entry-loads-no-platform',
      comment: 'The library (src/index.ts, src/api) loads no platform library, no adapter and no canvas: a host brings its own client, and what attaches it is loaded only by the host.',
      severity: 'error',
      from: { path: '^src/(api/|index\\.ts$)' },
      to: { path: '(^|/)node_modules/(discord\\.js|@discordjs|telegraf|@napi-rs/canvas)/|^adapters/|^src/render/chart' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      comment: 'Type-only imports count: a loop of types is a loop of concepts.',
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
