'use strict';
// node docker-client.js <port> <token> run [--node <node>] -- <argv...>
// node docker-client.js <port> <token> spawn [--node <node>] -- <argv...>
// A TCP-bridge client for docker/test, node:net only. Each observation is one JSON line on stdout:
//   run:   {"reply":RunResult,"stdout":"<decoded>","millis":N} or {"failureCode":N,"message":"…","millis":N}
//   spawn: {"spawned":ProcessInfo}, then {"event":"<type>","body":…} per event, then {"disconnected":true}
// "millis" counts from the request; a failure to connect prints {"socketError":"<code>"} and exits 2.
const net = require('net');

const [port, token, mode, ...rest] = process.argv.slice(2);
const dash = rest.indexOf('--');
if (!port || !token || !['run', 'spawn'].includes(mode) || dash < 0 || dash === rest.length - 1) {
  console.error('usage: docker-client.js <port> <token> run|spawn [--node <node>] -- <argv...>');
  process.exit(64);
}
const flags = rest.slice(0, dash);
const argv = rest.slice(dash + 1);
const node = flags[0] === '--node' ? flags[1] : undefined;
const headers = { authorization: 'Bearer ' + token };
const socket = net.connect(Number(port), '127.0.0.1');
const say = (o) => console.log(JSON.stringify(o));
let buf = Buffer.alloc(0);
let onFrame = () => {};

function write(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length, 0);
  socket.write(Buffer.concat([len, json]));
}

socket.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
    const len = buf.readUInt32BE(0);
    const frame = JSON.parse(buf.subarray(4, 4 + len).toString('utf8'));
    buf = buf.subarray(4 + len);
    onFrame(frame);
  }
});
socket.on('error', (e) => {
  say({ socketError: e.code });
  process.exitCode = 2;
});
socket.on('close', () => {
  if (mode === 'spawn') say({ disconnected: true });
});

socket.on('connect', () => {
  const spawn = { command: argv };
  if (node) spawn.node = node;
  const started = Date.now();
  const failed = (f) => ({ failureCode: f.failureCode, message: f.message, millis: Date.now() - started });
  if (mode === 'run') {
    onFrame = (f) => {
      if (f.address !== 'r0') return;
      if (f.type === 'err') {
        say(failed(f));
      } else {
        say({ reply: f.body, stdout: Buffer.from(f.body.stdout || '', 'base64url').toString('utf8'),
          millis: Date.now() - started });
      }
      socket.end();
    };
    write({ type: 'send', address: 'procbus.service', replyAddress: 'r0', headers: { action: 'run', ...headers },
      body: { request: { spawn } } });
    return;
  }
  // spawn: stdout and stderr to /dev/null (no grants needed); stdin stays a pipe, so the child waits for it
  spawn.options = { stdout: { mode: 'DEVNULL' }, stderr: { mode: 'DEVNULL' } };
  onFrame = (f) => {
    if (f.address === 'r0') {
      if (f.type === 'err') {
        say(failed(f));
        socket.end();
        return;
      }
      say({ spawned: f.body, millis: Date.now() - started });
      write({ type: 'register', address: f.body.eventAddress, headers });
    } else if (f.type === 'message' && f.headers && f.headers.type) {
      say({ event: f.headers.type, body: f.body });
      if (f.headers.type === 'closed') socket.end();
    } else if (f.type === 'err') {
      say(failed(f));
    }
  };
  write({ type: 'send', address: 'procbus.service', replyAddress: 'r0', headers: { action: 'spawn', ...headers },
    body: { request: spawn } });
});
