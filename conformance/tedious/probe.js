// probe.js: connect to a TDS server with tedious (an independent TDS client)
// and print one line of JSON saying what happened. Driven by the Go tests in
// conformance/tds; the case comes as JSON in the first argument:
//
//   node probe.js '{"host":"127.0.0.1","port":14330,"encrypt":true,
//                   "trustServerCertificate":true,"user":"sa","password":"pw",
//                   "appName":"case-1","query":"SELECT 1","ca":"/path/ca.pem",
//                   "serverName":"localhost","timeoutMs":5000}'
//
// Output: {"connected":bool,"rows":[[...]],"error":{"code":"...","message":"..."}}
// The password is never printed.
'use strict';

const fs = require('fs');
const { Connection, Request } = require('tedious');

function main() {
  const c = JSON.parse(process.argv[2] || '{}');
  const options = {
    port: c.port,
    encrypt: c.encrypt,
    trustServerCertificate: !!c.trustServerCertificate,
    appName: c.appName || 'tedious-probe',
    database: c.database || undefined,
    connectTimeout: c.timeoutMs || 5000,
    requestTimeout: c.timeoutMs || 5000,
  };
  if (c.serverName) options.serverName = c.serverName;
  if (c.ca) options.cryptoCredentialsDetails = { ca: fs.readFileSync(c.ca) };
  const conn = new Connection({
    server: c.host || '127.0.0.1',
    authentication: { type: 'default', options: { userName: c.user || 'sa', password: c.password || '' } },
    options,
  });
  let done = false;
  const finish = (out) => {
    if (done) return;
    done = true;
    process.stdout.write(JSON.stringify(out) + '\n');
    try { conn.close(); } catch (e) { /* already closed */ }
    setTimeout(() => process.exit(0), 50);
  };
  const fail = (connected, err) => finish({
    connected,
    rows: [],
    error: { code: String((err && err.code) || ''), message: String((err && err.message) || err) },
  });
  conn.on('error', (err) => fail(false, err));
  conn.connect((err) => {
    if (err) return fail(false, err);
    const rows = [];
    const req = new Request(c.query || 'SELECT 1', (qerr) => {
      if (qerr) return fail(true, qerr);
      finish({ connected: true, rows });
    });
    req.on('row', (cols) => rows.push(cols.map((col) => col.value)));
    conn.execSqlBatch(req); // a SQLBatch, not sp_executesql
  });
}

main();
