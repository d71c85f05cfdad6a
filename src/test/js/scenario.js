'use strict';
// Scenarios the edge tests run through a real bridge client. A transport gives:
//   send(address, body, headers) -> Promise(reply body) (rejects with {failureCode, message})
//   fire(address, body, headers) (no reply), register(address, handler(err, msg)), close().
// Each scenario prints one line per observed step; the Java test asserts on those lines.

const PREFIX = 'procbus';
const SERVICE = PREFIX + '.service';

function b64(text) { return Buffer.from(text, 'utf8').toString('base64url'); }
function unb64(data) { return Buffer.from(data, 'base64url').toString('utf8'); }
function code(e) { return e && e.failureCode !== undefined ? e.failureCode : 'none'; }

async function happy(t, headers) {
  const info = await t.send(SERVICE, { request: { command: ['cat'] } }, { action: 'spawn', ...headers });
  console.log('spawned owner=' + info.owner + ' argv0=' + info.argv[0]);
  const events = [];
  let wake = null;
  t.register(info.eventAddress, (err, msg) => {
    if (err) { console.log('event-error ' + code(err)); return; }
    events.push(msg);
    if (wake) wake();
  });
  const next = async (pred) => {
    for (;;) {
      const i = events.findIndex(pred);
      if (i >= 0) return events.splice(i, 1)[0];
      await new Promise((r) => { wake = r; });
    }
  };
  t.fire(info.controlAddress, { id: info.id, stdout: 65536, stderr: 65536 }, headers);
  await t.send(info.serviceAddress, { id: info.id, data: b64('hello bridge; $(id) `x` | && >\n') },
    { action: 'writeStdin', ...headers });
  let out = '';
  while (!out.endsWith('\n')) {
    const chunk = await next((m) => m.headers.type === 'stdout');
    if (chunk.body.stream !== 'stdout' || typeof chunk.body.seq !== 'number') throw new Error('bad chunk form');
    out += unb64(chunk.body.data);
  }
  console.log('stdout ' + out.trimEnd());
  const listed = await t.send(SERVICE, {}, { action: 'list', ...headers });
  console.log('list-mine ' + listed.filter((p) => p.id === info.id).length);
  await t.send(info.serviceAddress, { id: info.id, signal: 'TERM', group: false }, { action: 'signal', ...headers });
  const exit = await next((m) => m.headers.type === 'exit');
  console.log('exit signal=' + exit.body.signal);
  await next((m) => m.headers.type === 'closed');
  console.log('closed');
}

async function refusedWithoutToken(t) {
  try {
    await t.send(SERVICE, { request: { command: ['cat'] } }, { action: 'spawn' });
    console.log('unexpected-success');
  } catch (e) {
    console.log('refused ' + code(e));
  }
}

async function otherPrincipal(t, headers, id, serviceAddress) {
  for (const [action, body] of [['signal', { id, signal: 'KILL', group: false }], ['info', { id }],
    ['closeProcess', { id }], ['writeStdin', { id, data: b64('x') }]]) {
    try {
      await t.send(serviceAddress, body, { action, ...headers });
      console.log(action + ' unexpected-success');
    } catch (e) {
      console.log(action + ' refused ' + code(e));
    }
  }
  const listed = await t.send(SERVICE, {}, { action: 'list', ...headers });
  console.log('list-other ' + listed.filter((p) => p.id === id).length);
  await new Promise((resolve) => {
    t.register(PREFIX + '.process.' + id, (err) => {
      console.log('register refused ' + code(err));
      resolve();
    });
  });
}

// Issue 10: stdin in 64 KiB and 1 MiB messages through cat comes back exact; a frame of exactly `bound` bytes is
// accepted; one of bound + 1 gets PAYLOAD_TOO_LARGE (431), then the connection closes.
async function big(t, headers, bound) {
  const crypto = require('crypto');
  const info = await t.send(SERVICE, { request: { command: ['cat'] } }, { action: 'spawn', ...headers });
  const got = crypto.createHash('sha256');
  let received = 0;
  let exited;
  const exit = new Promise((resolve) => { exited = resolve; });
  t.register(info.eventAddress, (err, msg) => {
    if (err) { console.log('event-error ' + code(err)); return; }
    if (msg.headers.type === 'stdout') {
      const bytes = Buffer.from(msg.body.data, 'base64url');
      got.update(bytes);
      received += bytes.length;
    } else if (msg.headers.type === 'exit') {
      exited(msg.body);
    }
  });
  const pieces = [...Array(16).fill(64 * 1024), 1024 * 1024];
  const total = pieces.reduce((a, b) => a + b, 0);
  t.fire(info.controlAddress, { id: info.id, stdout: total, stderr: 0 }, headers);
  const sent = crypto.createHash('sha256');
  for (const n of pieces) {
    const data = crypto.randomBytes(n);
    sent.update(data);
    await t.send(info.serviceAddress, { id: info.id, data: data.toString('base64url') },
      { action: 'writeStdin', ...headers });
  }
  await t.send(info.serviceAddress, { id: info.id }, { action: 'closeStdin', ...headers });
  const status = await exit;
  const same = got.digest('hex') === sent.digest('hex');
  console.log('cat returned ' + received + ' of ' + total + ' bytes, digest ' + (same ? 'equal' : 'different')
    + ', exit code ' + status.code);
  // a grant (never answered) padded to an exact frame size: the JSON the client sends, as both clients build it
  const padded = (size) => {
    const body = { id: info.id, stdout: 0, pad: '' };
    const bytes = Buffer.byteLength(JSON.stringify({ type: 'send', address: info.controlAddress, headers, body }));
    body.pad = 'x'.repeat(size - bytes);
    return body;
  };
  t.fire(info.controlAddress, padded(bound), headers);
  const listed = await t.send(SERVICE, {}, { action: 'list', ...headers });
  console.log('frame of ' + bound + ' bytes accepted, list answered: ' + Array.isArray(listed));
  t.onUnrouted((e) => console.log('frame of ' + (bound + 1) + ' bytes refused ' + code(e) + ' ' + e.message));
  t.fire(info.controlAddress, padded(bound + 1), headers);
  await t.closed;
  console.log('connection closed');
}

async function main(t, args) {
  const [scenario, token, id, serviceAddress] = args;
  const headers = token ? { authorization: 'Bearer ' + token } : {};
  try {
    if (scenario === 'happy') await happy(t, headers);
    else if (scenario === 'noauth') await refusedWithoutToken(t);
    else if (scenario === 'big') await big(t, headers, Number(id));
    else if (scenario === 'other') await otherPrincipal(t, headers, id, serviceAddress);
    else throw new Error('unknown scenario ' + scenario);
    console.log('done');
  } catch (e) {
    console.log('failed ' + (e && e.message ? e.message : JSON.stringify(e)));
    process.exitCode = 1;
  } finally {
    t.close();
  }
}

module.exports = { main };
