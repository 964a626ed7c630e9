#!/usr/bin/env node
// The one binary. TypeScript sources run through tsx's require hook, so `npx cocreate …`
// works right after `npm install` with no build step.
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts').cli(process.argv.slice(2));
