#!/usr/bin/env node
/**
 * `npm run build`: the package as it is published, in dist/.
 *
 * 1. tsc (TypeScript 7, the native compiler) compiles src/, adapters/ and rehearsal/ to
 *    CommonJS with their .d.ts (tsconfig.build.json), keeping the tree: dist/src/…, dist/adapters/….
 *    That tree is the library (package.json `exports`) and every command that needs a store or
 *    a platform.
 * 2. esbuild bundles the binary, dist/src/cli/bin.js, over tsc's: the dispatcher and the quick
 *    commands (validate, schema, init, --help) with the pure-JavaScript libraries they use (zod,
 *    yaml, luxon), in one file. Node then reads and compiles one file instead of some two hundred,
 *    which is most of what `cocreate validate` costs at start. Every other command, and every
 *    other package, stays outside the bundle and is required from the tree above when it runs.
 * 3. Every `.lua` file under src/ is copied beside its compiled loader (the Redis store reads
 *    `lua/` next to itself at run time: src/stores/redis/lua, src/outbox/lua…).
 *
 * dist/ is emptied first, so a file deleted from the sources never lingers in the package.
 * The fonts of the results picture come from @fontsource packages (dependencies): nothing to copy.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { chmodSync, cpSync, mkdirSync, readdirSync, rmSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const dist = join(root, 'dist');

/** Subcommands bundled into the binary (src/cli/commands/<name>.ts); the others load from dist/. */
const QUICK_COMMANDS = new Set(['validate', 'schema', 'init']);
/** Packages bundled with them: pure JavaScript, no file of their own read at run time. */
const BUNDLED_PACKAGES = new Set(['zod', 'yaml', 'luxon']);

/** Keeps out of the bundle every subcommand but the quick ones, and every package but the bundled ones. */
const quickPath = {
  name: 'cocreate-quick-path',
  setup(build) {
    build.onResolve({ filter: /^\.\/(commands\/[a-z-]+|start-[a-z-]+)$/ }, (args) => {
      const command = /^\.\/commands\/([a-z-]+)$/.exec(args.path)?.[1];
      return command !== undefined && QUICK_COMMANDS.has(command) ? undefined : { path: args.path, external: true };
    });
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

async function main() {
  rmSync(dist, { recursive: true, force: true });
  // The package exports no bin path: find it from its package.json.
  const tsc = join(dirname(require.resolve('typescript/package.json', { paths: [root] })), 'bin', 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (compiled.status !== 0) process.exit(compiled.status ?? 1);

  const bin = join(dist, 'src/cli/bin.js');
  await esbuild.build({
    entryPoints: [join(root, 'src/cli/bin.ts')], outfile: bin, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    plugins: [quickPath], logLevel: 'warning',
  });
  chmodSync(bin, 0o755);

  let copied = 0;
  const copyLua = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) copyLua(path);
      else if (entry.name.endsWith('.lua')) {
        const target = join(dist, relative(root, path));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(path, target);
        copied++;
      }
    }
  };
  copyLua(join(root, 'src'));
  process.stdout.write(`build: dist/ written (the binary bundled, ${copied} Lua scripts copied)\n`);
}

main().catch((error) => {
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
