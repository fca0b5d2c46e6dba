#!/usr/bin/env node
'use strict';
// The `referrals` command runs the compiled CLI; `npm ci` builds it (the `prepare` script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('referrals: not built yet; run `npm run build` in the project root\n');
  process.exit(1);
}
require(main)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
