'use strict';
// node tcp-client.js <port> <scenario> [token] [id] [serviceAddress]: the scenarios over the TCP bridge
// (4-byte big-endian length + UTF-8 JSON frames), with node:net only.
const net = require('net');
const { main } = require('./scenario');

const [port, ...args] = process.argv.slice(2);
const socket = net.connect(Number(port), '127.0.0.1');
const replies = new Map();
const handlers = new Map();
let nextReply = 0;
let buf = Buffer.alloc(0);
let unrouted = null;
let closedResolve;
const closed = new Promise((resolve) => { closedResolve = resolve; });

function write(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length, 0);
  socket.write(Buffer.concat([len, json]));
}

function dispatch(msg) {
  if (msg.type === 'pong') return;
  const r = replies.get(msg.address);
  if (r) {
    replies.delete(msg.address);
    if (msg.type === 'err') r.reject(msg); else r.resolve(msg.body);
    return;
  }
  const h = handlers.get(msg.address);
  if (h) {
    if (msg.type === 'err') h(msg); else h(null, msg);
    return;
  }
  if (unrouted && msg.type === 'err') {
    unrouted(msg);
    return;
  }
  console.log('unrouted ' + msg.type + ' ' + (msg.failureCode !== undefined ? msg.failureCode : ''));
  for (const [, pending] of replies) pending.reject(msg);
  replies.clear();
}

socket.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  while (buf.length >= 4) {
    const len = buf.readUInt32BE(0);
    if (buf.length < 4 + len) break;
    const msg = JSON.parse(buf.subarray(4, 4 + len).toString('utf8'));
    buf = buf.subarray(4 + len);
    dispatch(msg);
  }
});
socket.on('close', () => {
  closedResolve();
  for (const [, pending] of replies) pending.reject({ failureCode: 'closed', message: 'connection closed' });
  replies.clear();
});
socket.on('error', (e) => console.log('socket-error ' + e.code));

const transport = {
  send: (address, body, headers) => new Promise((resolve, reject) => {
    const replyAddress = 'r' + nextReply++;
    replies.set(replyAddress, { resolve, reject });
    write({ type: 'send', address, replyAddress, headers, body });
  }),
  fire: (address, body, headers) => write({ type: 'send', address, headers, body }),
  register: (address, handler) => {
    handlers.set(address, handler);
    write({ type: 'register', address, headers: {} });
  },
  close: () => socket.end(),
  onUnrouted: (handler) => { unrouted = handler; },
  closed,
};
socket.on('connect', () => main(transport, args));
