#!/usr/bin/env node
/** The published binary (package.json `bin`), compiled to dist/src/cli/bin.js. */
import { cli } from './main';

cli(process.argv.slice(2));
