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
      name: 'ports-are-interfaces',
      comment: 'Ports only describe what the engine needs.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^(adapters/|src/(stores|scheduler|outbox|clock|cli|config)/)' },
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
      comment: 'src/cli is the composition root; nothing below imports it.',
      severity: 'error',
      from: { pathNot: '^(src/cli/|bench/|test/)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
