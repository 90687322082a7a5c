'use strict';
// The hello-world web server that the seeds deploy: answers "Hello World!"
// on every path. No dependencies, so the image needs nothing but node.
//
//   PORT   port to listen on (default 8080; 0 picks a free one)
//   HOST   address to listen on (default: every interface)
//
// On SIGTERM (Kubernetes stopping the pod) it stops accepting connections,
// lets requests in flight finish, and exits 0; after 10 s it exits anyway.

const http = require('http');

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535 (got ${JSON.stringify(process.env.PORT)})`);
  process.exit(2);
}
const host = process.env.HOST || undefined;
const SHUTDOWN_GRACE_MS = 10_000;

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Allow': 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method Not Allowed\n');
    return;
  }
  const body = 'Hello World!';
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
});

// Slow or idle clients must not pin sockets forever.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 5_000;

server.on('error', err => {
  console.error(`cannot listen on port ${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const addr = server.address();
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  console.log(`listening on http://${shown}:${addr.port}`);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: closing`);
  server.close(() => {
    console.log('closed');
    process.exit(0);
  });
  // Keep-alive connections with no request in flight would hold close() open.
  server.closeIdleConnections();
  setTimeout(() => {
    console.error(`still busy after ${SHUTDOWN_GRACE_MS} ms: exiting`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
