#!/usr/bin/env node
/**
 * `npm run docs:api`: the API reference of the library in docs/api/ (Markdown, one page per
 * export and member), from the TSDoc of what src/index.ts exports.
 *
 * TypeDoc reads sources through the TypeScript compiler's JavaScript API, which TypeScript 7
 * (the native compiler this project uses) no longer has; API Extractor reads the compiled .d.ts
 * instead, with the TypeScript it bundles, and API Documenter writes the pages. So: build (tsc
 * writes the .d.ts), extract (dist/api/cocreate.api.json), document (docs/api/).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { dirname, join } = require('node:path');
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = join(__dirname, '..');

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, [join(root, 'scripts/build.cjs')]);
const result = Extractor.invoke(ExtractorConfig.loadFileAndPrepare(join(root, 'scripts/api-extractor.json')), { localBuild: true, showVerboseMessages: false });
if (!result.succeeded) {
  process.stderr.write(`docs:api: API Extractor found ${result.errorCount} error(s)\n`);
  process.exit(1);
}
const documenter = join(dirname(require.resolve('@microsoft/api-documenter/package.json')), 'bin', 'api-documenter');
run(process.execPath, [documenter, 'markdown', '--input-folder', join(root, 'dist/api'), '--output-folder', join(root, 'docs/api')]);
process.stdout.write('docs:api: docs/api/ written (start at docs/api/index.md)\n');
