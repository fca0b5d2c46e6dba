// The loops the replay is measured against: split a file into lines and JSON.parse each one
// (the bare loop); with --check, also run each parsed line through validateBillingEvent, the
// contract's check every replay must make of every line (the check loop: what a replay would
// cost that did nothing else, no sort, no engine, no output).
// Prints { events, seconds, maxRssKb, cpuSeconds } as JSON.
const { createReadStream } = require('node:fs');

/** Whether a parsed line is an event: the check loop's test, or the bare loop's. */
function lineTest(check) {
  if (!check) return (value) => value !== null;
  const { validateBillingEvent } = require('../libs/contracts/dist');
  const { ProgramRegistry } = require('../libs/domain/dist');
  const programs = ProgramRegistry.withBuiltins();
  return (value) => validateBillingEvent(value, programs).ok;
}

async function main(file, check) {
  const isEvent = lineTest(check);
  const t0 = performance.now();
  let events = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line !== '' && isEvent(JSON.parse(line))) events++;
  }
  if (rest !== '' && isEvent(JSON.parse(rest))) events++;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    JSON.stringify({
      events,
      seconds,
      maxRssKb: process.resourceUsage().maxRSS,
      cpuSeconds:
        (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    }) + '\n',
  );
}
main(process.argv[2], process.argv[3] === '--check');
