'use strict';
/**
 * Preloaded (`node -r ./bench/lib/cpu-profile-hook.js`) into a server the benchmark wants to profile. The first
 * SIGWINCH starts the V8 sampling profiler, the second stops it and writes the profile to $BENCH_CPU_PROFILE (SIGWINCH
 * because neither Node nor Nest's shutdown hooks use it; SIGUSR2 would stop a Nest app), so the profile
 * covers exactly the measured window (node --cpu-prof would write only on a clean exit, which Nest's signal handling
 * does not give). Nothing else changes in the process.
 */
const inspector = require('node:inspector');
const fs = require('node:fs');

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }));
  let running = false;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.start');
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) fs.writeFileSync(`${file}.error`, String(error));
      else fs.writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
