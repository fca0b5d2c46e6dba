// Runs `referrals replay` in this process and reports its peak RSS, for replay-bench.mjs.
const { writeFileSync } = require('node:fs');
const { main } = require('../apps/cli/dist/main.js');

main(process.argv).then((code) => {
  writeFileSync(
    process.env.BENCH_STATS,
    JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS }),
  );
  process.exitCode = code;
});
