// Preloaded into the measured `dialplan batch` process (node --import): prints the process's peak RSS (all threads) at exit.
process.on('exit', () => process.stderr.write(`batch-bench maxRSS_kB ${process.resourceUsage().maxRSS}\n`));
