// The bare loop the replay is measured against: split a file into lines and JSON.parse each one.
// Prints { events, seconds, maxRssKb, cpuSeconds } as JSON.
const { createReadStream } = require('node:fs');

async function main(file) {
  const t0 = performance.now();
  let events = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line !== '' && JSON.parse(line)) events++;
  }
  if (rest !== '' && JSON.parse(rest)) events++;
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
main(process.argv[2]);
