'use strict';
// The example's non-web workloads, from the same image as the server
// (src/main.ts): `node task.js <worker|nightly|migrate|check>`.
//
//   worker   a queue consumer stand-in: does a unit of work every 5 s until
//            SIGTERM, then exits 0; touches /tmp/worker-alive after each one
//   check    the worker's health check: exit 0 if /tmp/worker-alive is
//            fresher than 30 s (the exec probe of the Worker)
//   nightly  the nightly job: prints a report line and exits 0
//   migrate  the migration run before each sync: prints what it applied, exits 0
//
//   HEARTBEAT_FILE  where the worker's heartbeat goes (default /tmp/worker-alive)

const fs = require('fs');

const ALIVE = process.env.HEARTBEAT_FILE || '/tmp/worker-alive';
const [task] = process.argv.slice(2);

if (task === 'worker') {
  const tick = () => fs.writeFileSync(ALIVE, String(Date.now()));
  tick();
  const timer = setInterval(tick, 5_000);
  console.log('worker: started');
  process.on('SIGTERM', () => {
    clearInterval(timer);
    console.log('worker: SIGTERM received: stopping');
    process.exit(0);
  });
} else if (task === 'check') {
  let age = Infinity;
  try {
    age = Date.now() - fs.statSync(ALIVE).mtimeMs;
  } catch {
    // no heartbeat yet
  }
  process.exit(age < 30_000 ? 0 : 1);
} else if (task === 'nightly') {
  console.log(`nightly: report for ${new Date().toISOString().slice(0, 10)}: 0 greetings failed`);
} else if (task === 'migrate') {
  console.log('migrate: schema is up to date');
} else {
  console.error(`usage: node task.js worker|check|nightly|migrate (got ${JSON.stringify(task ?? '')})`);
  process.exit(2);
}
