#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages npm left out.
 *
 * Why: packages such as @swc/core, unrs-resolver (jest) and msgpackr-extract (bullmq) list one
 * optional binary package per platform. npm records all of them in the lock file only when the
 * registry serves every one; a registry mirror that lacks some platforms' binaries (as on our
 * build machines) makes npm leave them out, and `npm ci` then refuses the lock file as out of
 * sync ("Missing: @swc/core-darwin-arm64@ from lock file"). Each missing entry is added as an
 * optional package of the version its parent pins, so `npm ci` accepts the lock and, as for
 * any optional package that does not fit the machine, installs only the one it needs.
 *
 * Run after changing dependencies: `npm install && npm run lock:complete`.
 */
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [where, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    // npm resolves a dependency in the parent's own node_modules first, then up to the root.
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) continue; // only exact pins can be recorded as is
    packages[hoisted] = { version, ...(pkg.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`complete-lock: ${added} optional platform package(s) added to ${path}\n`);
