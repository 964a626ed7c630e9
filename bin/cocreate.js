#!/usr/bin/env node
// The binary from the sources, for development and the tests: the TypeScript runs through tsx's
// require hook (bin/register.js, tsx is a devDependency), so a change to src/ needs no build.
// The published package's binary is the compiled dist/src/cli/bin.js (package.json `bin`).
'use strict';
require('./register');
require('../src/cli/main.ts').cli(process.argv.slice(2));
