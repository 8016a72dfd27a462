// Preloaded into the measured `dialplan batch` process (node --import): prints the process's peak RSS and CPU time (user +
// system, all threads) at exit.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`batch-bench maxRSS_kB ${u.maxRSS} cpu_us ${u.userCPUTime + u.systemCPUTime}\n`);
});
