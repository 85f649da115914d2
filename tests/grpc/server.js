// A stand-in karmada-scheduler-estimator for FedState's tests.
//
//   node server.js [--config JSON | --config-file FILE] [--log FILE] [--port N]
//                  [--tls DIR]
//
// --tls DIR serves TLS with DIR/server.pem and DIR/server-key.pem and
// requires a client certificate signed by DIR/ca.pem (mutual TLS; see
// make-certs.sh). Without it the server speaks h2c.
// The config maps a cluster name (the request's `cluster` field) to how
// the server behaves for it ("*" matches any other cluster):
//   {"member1": {"answer": 7},                     answer maxReplicas 7
//    "member2": {"sleepMs": 10000, "answer": 1},   answer only after 10 s
//    "member3": {"error": {"code": 14, "message": "estimator down"}}}
// A cluster that is not configured gets INVALID_ARGUMENT, like a real
// estimator asked about another cluster.
//
// Every request is appended to the --log file as one JSON line: the
// cluster, what was decoded from field 2 (resourceRequest) and field 5
// (resourceRequestBytes, whose values are decoded as Quantity bytes), the
// node selector, namespace, priority class, the `object` metadata, the
// deadline the client sent, how many calls were in flight when it arrived
// (itself included) and the client's address (one per connection). When
// listening, the server prints its port on stdout, alone on a line. SIGHUP
// reads --config-file again (the chaos campaign makes the estimator slow or
// refusing that way). It exits when stdin closes or on SIGTERM.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

let config = {};
if (arg('--config')) config = JSON.parse(arg('--config'));
if (arg('--config-file')) config = JSON.parse(fs.readFileSync(arg('--config-file'), 'utf8'));
process.on('SIGHUP', () => {
  if (!arg('--config-file')) return;
  try {
    config = JSON.parse(fs.readFileSync(arg('--config-file'), 'utf8'));
  } catch (e) {
    console.error(`estimator test server: ${arg('--config-file')}: ${e.message}; config kept`);
  }
});
const logFile = arg('--log');
const port = Number(arg('--port') || 0);
const tlsDir = arg('--tls');

// Quantity bytes: field 1 (tag 0x0a), varint length, UTF-8 string
function decodeQuantity(buf) {
  if (buf.length < 2 || buf[0] !== 0x0a) return null;
  let len = 0, shift = 0, i = 1;
  for (; i < buf.length; i++) {
    len |= (buf[i] & 0x7f) << shift;
    shift += 7;
    if (!(buf[i] & 0x80)) { i++; break; }
  }
  return buf.slice(i, i + len).toString('utf8');
}

let inflight = 0;

function record(call) {
  const req = call.request;
  const rr = req.replicaRequirements || {};
  const entry = {
    cluster: req.cluster,
    hasReplicaRequirements: !!req.replicaRequirements,
    resourceRequest: {},
    resourceRequestBytes: {},
    nodeSelector: (rr.nodeClaim && rr.nodeClaim.nodeSelector) || {},
    namespace: rr.namespace || '',
    priorityClassName: rr.priorityClassName || '',
    object: call.metadata.get('object').map(String),
    deadlineMs: null,
    inflight,
    peer: call.getPeer(),
  };
  for (const [k, q] of Object.entries(rr.resourceRequest || {})) entry.resourceRequest[k] = q.string;
  for (const [k, b] of Object.entries(rr.resourceRequestBytes || {})) entry.resourceRequestBytes[k] = decodeQuantity(b);
  const d = call.getDeadline(); // a Date, or ms since the epoch, or Infinity
  const at = d instanceof Date ? d.getTime() : Number(d);
  if (Number.isFinite(at)) entry.deadlineMs = at - Date.now();
  if (logFile) fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
}

function maxAvailableReplicas(call, callback) {
  let over = false;
  const end = () => { if (!over) { over = true; inflight--; } };
  inflight++;
  call.on('cancelled', end); // the client gave up (deadline, reset)
  record(call);
  const b = config[call.request.cluster] || config['*'];
  if (!b) {
    end();
    callback({ code: grpc.status.INVALID_ARGUMENT,
               details: `cluster "${call.request.cluster}" is not served here` });
    return;
  }
  const answer = () => {
    if (over) return;
    end();
    if (b.error) callback({ code: b.error.code, details: b.error.message || '' });
    else callback(null, { maxReplicas: b.answer || 0 });
  };
  if (b.sleepMs) setTimeout(answer, b.sleepMs);
  else answer();
}

const def = loader.loadSync(path.join(__dirname, 'estimator.proto'),
  { keepCase: true, longs: Number, defaults: false });
const pkg = grpc.loadPackageDefinition(def).github.com.karmada_io.karmada.pkg.estimator.service;
const server = new grpc.Server();
server.addService(pkg.Estimator.service, { MaxAvailableReplicas: maxAvailableReplicas });
const creds = tlsDir
  ? grpc.ServerCredentials.createSsl(fs.readFileSync(path.join(tlsDir, 'ca.pem')), [{
      private_key: fs.readFileSync(path.join(tlsDir, 'server-key.pem')),
      cert_chain: fs.readFileSync(path.join(tlsDir, 'server.pem')),
    }], true)
  : grpc.ServerCredentials.createInsecure();
server.bindAsync(`127.0.0.1:${port}`, creds, (err, p) => {
  if (err) {
    console.error(`estimator test server: cannot listen: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${p}\n`);
});

const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
