// Preloaded into a benchmarked process (`node --require`): at exit, writes its peak resident set (KiB) to the file
// named by VIBECODE_BENCH_USAGE_FILE, so the benchmark reads the OS's own accounting of the whole process.
const fs = require("node:fs");
const target = process.env.VIBECODE_BENCH_USAGE_FILE;
if (target) {
  process.on("exit", () => {
    fs.writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
