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
      to: { path: '^(adapters/|src/(stores|scheduler|outbox|redis|clock|cli|config|chat)/)' },
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
      name: 'engine-entered-through-engine-ts',
      comment: 'Outside src/engine the engine is reached through engine.ts (Engine.execute stays the only way in), the words of commands.ts, the permission queries and the pure rule modules: never through a handler or a shared check.',
      severity: 'error',
      from: { path: '^(src|adapters|rehearsal|bench)/', pathNot: '^src/engine/' },
      to: { path: '^src/engine/(handlers|shared)/' },
    },
    {
      name: 'engine-sits-below-the-chat-layer',
      comment: 'The chat layer (src/chat) builds commands and renders answers above the engine; the engine never reaches up into it.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/chat/' },
    },
    {
      name: 'handlers-stand-alone',
      comment: 'A handler module imports no other handler module (only the Handler type): what two concerns share is written once in src/engine/shared or a pure rule module. Only the registry gathers the handler modules.',
      severity: 'error',
      from: { path: '^src/engine/handlers/', pathNot: '^src/engine/handlers/registry\\.ts$' },
      to: { path: '^src/engine/(handlers/(?!handler\\.ts$)|engine\\.ts$|permissions\\.ts$)' },
    },
    {
      name: 'shared-checks-sit-below-handlers',
      comment: 'src/engine/shared holds the checks the handlers share: it never reaches up into a handler, the registry, the permission queries or the Engine class.',
      severity: 'error',
      from: { path: '^src/engine/shared/' },
      to: { path: '^src/engine/(handlers/|engine\\.ts$|permissions\\.ts$)' },
    },
    {
      name: 'engine-rules-are-plain-modules',
      comment: 'The rule modules at the top of src/engine (commands, count, eligibility, lifecycle, manifest, roles, text) know nothing of the handlers, the shared checks or the Engine class; only engine.ts and permissions.ts read the registry.',
      severity: 'error',
      from: { path: '^src/engine/[^/]+\\.ts$', pathNot: '^src/engine/(engine|permissions)\\.ts$' },
      to: { path: '^src/engine/(handlers/|shared/|engine\\.ts$|permissions\\.ts$)' },
    },
    {
      name: 'rehearsal-stays-out-of-the-product',
      comment: 'The stand-ins, the crowd and the rehearsal threads are tooling: only `cocreate rehearse` (src/cli/main.ts), bench and the tests import them.',
      severity: 'error',
      from: { path: '^(src|adapters)/', pathNot: '^src/cli/main\\.ts$' },
      to: { path: '^rehearsal/' },
    },
    {
      name: 'adapters-never-touch-redis',
      comment: 'Adapters reach the store and the queues only through the engine and the outbox delivery they register.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '(^|/)node_modules/(ioredis|bullmq)/|^src/(stores|scheduler|redis)/' },
    },
    {
      name: 'adapters-see-only-the-ports',
      comment: 'Adapters hand announcements to the outbox and phases to the scheduler through the ports (src/ports): never through an implementation.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/(outbox|scheduler|stores|redis)/' },
    },
    {
      name: 'only-the-composition-root-imports-adapters',
      comment: 'src/cli wires the adapters in; nothing else of the product knows them (the rehearsal, bench and tests may).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'chat-layer-is-platform-free',
      comment: 'src/chat is what every platform shares: no platform library, no adapter, no store, queue, scheduler, CLI or config.',
      severity: 'error',
      from: { path: '^src/chat/' },
      to: { path: '(^|/)node_modules/(discord\\.js|@discordjs|telegraf|ioredis|bullmq|redis)/|^(adapters|rehearsal|bench)/|^src/(stores|scheduler|outbox|redis|cli|config)/' },
    },
    {
      name: 'only-the-cli-wires',
      comment: 'src/cli is the composition root; nothing below imports it.',
      severity: 'error',
      from: { pathNot: '^(src/cli/|rehearsal/|bench/|test/)' },
      to: { path: '^src/cli/' },
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
