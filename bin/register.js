// Runs the TypeScript sources through tsx's require hook (no build step), for the binary and
// for the worker threads the rehearsal starts.
'use strict';
require('tsx/cjs');

// tsx resolves every require() again, even of a module already loaded, and Node keeps its own
// shortcut only for the first parent that loaded a module. Libraries that require lazily on a
// hot path (discord.js reads `require('./Webhook')` in each reply's getters) then pay tsx's
// resolution each time: 0.09 ms per Discord interaction under a surge. A package file's
// requests resolve the same way every time, so their answers are kept.
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
const resolved = new Map();
Module._resolveFilename = function (request, parent, isMain, options) {
  const from = parent && parent.filename;
  if (options !== undefined || typeof from !== 'string' || !from.includes('/node_modules/')) {
    return resolveFilename.call(this, request, parent, isMain, options);
  }
  const key = `${from}\0${request}`;
  let filename = resolved.get(key);
  if (filename === undefined) {
    filename = resolveFilename.call(this, request, parent, isMain, options);
    resolved.set(key, filename);
  }
  return filename;
};
