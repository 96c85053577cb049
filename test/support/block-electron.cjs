// Preloaded with `node --require` so that `electron` cannot be resolved, as on a machine without it.
const Module = require('node:module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === 'electron') throw new Error('electron is blocked in this process')
  return resolve.call(this, request, ...rest)
}
