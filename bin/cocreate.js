#!/usr/bin/env node
// The one binary. TypeScript sources run through tsx's require hook (bin/register.js), so
// `npx cocreate …` works right after `npm install` with no build step.
'use strict';
require('./register');
require('../src/cli/main.ts').cli(process.argv.slice(2));
