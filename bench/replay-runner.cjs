// Runs `referrals replay` in this process and reports its peak RSS, for replay-bench.mjs.
const { writeFileSync } = require('node:fs');
const { main } = require('../apps/cli/dist/main.js');

/** User and system CPU time of this process so far: what it cost, whatever else ran beside it. */
const cpuSeconds = () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  return (userCPUTime + systemCPUTime) / 1e6;
};

main(process.argv).then((code) => {
  writeFileSync(
    process.env.BENCH_STATS,
    JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, cpuSeconds: cpuSeconds() }),
  );
  process.exitCode = code;
});
