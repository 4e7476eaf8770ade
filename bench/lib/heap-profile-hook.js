'use strict';
/**
 * Preloaded (`node -r ./bench/lib/heap-profile-hook.js`) into a server whose promoted allocations the benchmark wants
 * to see. The first SIGWINCH starts V8's sampling heap profiler, the second writes what it sampled to
 * $BENCH_HEAP_PROFILE. Objects that a young-generation collection (scavenge) frees are left out: what remains is what
 * lived long enough to be promoted to the old generation, whose copying is what makes scavenges slow. With
 * BENCH_HEAP_ALL=true every allocation is sampled: what makes scavenges frequent.
 */
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const file = process.env.BENCH_HEAP_PROFILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_ALL === 'true',
      });
      return;
    }
    running = false;
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) fs.writeFileSync(`${file}.error`, String(error));
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(result.profile));
      }
    });
  });
}
