#!/usr/bin/env -S node --max-semi-space-size=8
'use strict';
// The `referrals` command runs the compiled CLI; `npm ci` builds it (the `prepare` script).
// Half the default young generation (semi-spaces of 8 MiB, not 16): a replay's events die
// young, and the smaller nursery cut its peak RSS by 25-30 MB at 1M and 2M events for the
// same CPU time (4 MiB cut ~40 MB but cost ~7 % more CPU). A flag V8 reads only at start-up,
// hence the shebang (`env -S` splits it; GNU coreutils 8.30+, BSD and macOS).
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
