'use strict';
// node sockjs-client.js <url> <scenario> [token] [id] [serviceAddress]: the scenarios over the SockJS bridge
// with @vertx/eventbus-bridge-client.js.
const EventBus = require('@vertx/eventbus-bridge-client.js');
const { main } = require('./scenario');

const [url, ...args] = process.argv.slice(2);
const eb = new EventBus(url);
eb.enableReconnect(false);
let unrouted = null;
eb.onerror = (e) => (unrouted ? unrouted(e)
  : console.log('bridge-error ' + (e && e.failureCode !== undefined ? e.failureCode : JSON.stringify(e))));
const closed = new Promise((resolve) => { eb.onclose = () => resolve(); });
const transport = {
  send: (address, body, headers) => new Promise((resolve, reject) => {
    eb.send(address, body, headers, (err, reply) => (err ? reject(err) : resolve(reply.body)));
  }),
  fire: (address, body, headers) => eb.send(address, body, headers),
  register: (address, handler) => eb.registerHandler(address, {}, handler),
  close: () => eb.close(),
  // an error frame for no request or registration (the bridge refusing a frame) goes to handler
  onUnrouted: (handler) => { unrouted = handler; },
  closed,
};
eb.onopen = () => main(transport, args);
