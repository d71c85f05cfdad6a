// The procbus browser console: a bridge client like any other (docs/protocol.md, "Bridges"), built on the
// bundled @vertx/eventbus-bridge-client.js. Everything the service sends is shown with textContent and text
// nodes, never parsed as HTML, and the page's Content-Security-Policy allows no inline script.
(() => {
  'use strict';

  /** Credit kept outstanding per stream of a process this page started (ProcessClient's default window). */
  const WINDOW = 256 * 1024;
  /** How often the process list is asked for (see refresh()). */
  const LIST_MILLIS = 2000;
  /** How often the owner's lease is renewed on the instances running its processes (ProcessClient's default). */
  const LEASE_MILLIS = 10000;
  /** Characters of output kept per process; older output is dropped (and says so). */
  const MAX_OUTPUT_CHARS = 1 << 20;
  /** Finished processes kept in the table after the service forgot them. */
  const MAX_FORGOTTEN = 50;
  /** io.procbus.api.ErrorCode: number → name (ConsoleAssetsTest keeps it complete). */
  const ERROR_NAMES = {
    400: 'INVALID_ARGUMENT', 404: 'PROCESS_LOOKUP', 410: 'BROKEN_PIPE', 411: 'CONNECTION_RESET',
    412: 'LINE_TOO_LONG', 413: 'LIMIT_OVERRUN', 414: 'INCOMPLETE_READ', 409: 'CONCURRENT_READ',
    429: 'STDIN_FULL', 500: 'SPAWN_FAILED', 504: 'TIMEOUT', 503: 'CLOSED', 420: 'UNKNOWN_PROCESS',
    403: 'NOT_OWNER', 430: 'LIMIT_REACHED', 431: 'PAYLOAD_TOO_LARGE', 432: 'MALFORMED', 440: 'TERMINATED',
    441: 'EVENTS_LOST', 421: 'UNKNOWN_NODE', 422: 'INCAPABLE_NODE', 442: 'NODE_LOST', 450: 'DENIED',
    401: 'UNAUTHENTICATED', 599: 'INTERNAL',
  };
  const STATE_ORDER = { RUNNING: 0, EXITED: 1, CLOSED: 2 };
  /** Characters shown as escapes: C0 and C1 controls but tab and newline, DEL, invisible and bidi controls. */
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

  const $ = (id) => document.getElementById(id);
  /** The node's address prefix and bridge path, from config.json. */
  let config = null;
  let eb = null;
  let signedIn = false;
  let timers = [];
  /** id → record of every process known: listed by the service, or started or watched here. */
  const procs = new Map();
  /** Service addresses of the instances learned from ProcessInfos: each is asked for its list. */
  const instances = new Set();
  let selected = null;
  /** Whether a list round is in flight (a slow node must not pile them up). */
  let polling = false;

  // --- small helpers

  /** An element with text content and attributes; children are nodes or strings (text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
  }

  const service = () => config.prefix + '.service';

  /** A failure as shown: "DENIED (450): denied by program …". */
  function describe(err) {
    if (err && typeof err.failureCode === 'number') {
      const name = ERROR_NAMES[err.failureCode] || err.failureType || 'ERROR';
      const message = String(err.message ?? '');
      return { code: name + ' (' + err.failureCode + ')',
        message: message.startsWith(name + ': ') ? message.slice(name.length + 2) : message };
    }
    if (err && err.type === 'err') return { code: 'ERROR', message: String(err.message ?? err.body ?? '') };
    if (err instanceof Error) return { code: 'ERROR', message: err.message };
    return { code: 'ERROR', message: typeof err === 'string' ? err : JSON.stringify(err) };
  }

  function showError(err, context) {
    const d = describe(err);
    const box = $('errors');
    const dismiss = el('button', { type: 'button', class: 'dismiss', title: 'dismiss', text: '×' });
    const item = el('div', { class: 'error' }, el('strong', { class: 'code', text: d.code }),
      el('span', { class: 'message', text: (context ? context + ': ' : '') + d.message }), dismiss);
    dismiss.addEventListener('click', () => item.remove());
    box.prepend(item);
    while (box.children.length > 6) box.lastElementChild.remove();
  }

  function setStatus(state, text) {
    const s = $('status');
    s.dataset.state = state;
    s.textContent = text;
  }

  function fromBase64Url(data) {
    const b64 = data.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((data.length + 3) % 4);
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function toBase64Url(bytes) {
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** "killed by KILL (-9)", "exited with code 3", or "". */
  function describeExit(status) {
    if (!status) return '';
    if (status.signal) {
      return 'killed by ' + status.signal + ' (-' + status.signalNumber + ')' + (status.coreDumped ? ', core dumped' : '');
    }
    return 'exited with code ' + status.code;
  }

  function age(startedAt) {
    if (!startedAt) return '';
    let s = Math.max(0, Math.floor((Date.now() - startedAt) / 1000));
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    s %= 60;
    if (m < 60) return m + 'm ' + s + 's';
    return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
  }

  // --- the bridge

  /** A command: resolves with the reply's body, rejects with the err frame ({failureCode, message}). */
  function call(address, action, body) {
    return new Promise((resolve, reject) => {
      if (!eb || eb.state !== EventBus.OPEN) {
        reject(new Error('not connected'));
        return;
      }
      eb.send(address, body, { action }, (err, reply) => (err ? reject(err) : resolve(reply.body)));
    });
  }

  async function connect(token) {
    setStatus('connecting', 'connecting…');
    $('signin-button').disabled = true;
    try {
      config = config || await (await fetch('config.json')).json();
    } catch (err) {
      showError(err, 'config.json');
      disconnected('not signed in');
      return;
    }
    const url = new URL(config.eventbus, location.href).href;
    // only transports that need no iframe (an iframe would load sockjs from elsewhere)
    const bus = new EventBus(url, { transports: ['websocket', 'xhr-streaming', 'xhr-polling'] });
    bus.enableReconnect(false);
    bus.defaultHeaders = { authorization: 'Bearer ' + token };
    bus.onopen = () => {
      // the first frame carries the token: a list proves it before anything is shown
      call(service(), 'list', {}).then((list) => {
        signedIn = true;
        $('token').value = '';
        setStatus('signed-in', 'signed in');
        $('status').dataset.transport = bus.sockJSConn.transport || '';
        $('status').title = 'SockJS transport: ' + (bus.sockJSConn.transport || 'unknown');
        $('signin-panel').hidden = true;
        $('app').hidden = false;
        $('signout').hidden = false;
        merge(list, new Set());
        render();
        $('argv').querySelector('input').focus();
        timers = [setInterval(refresh, LIST_MILLIS), setInterval(renewLeases, LEASE_MILLIS),
          setInterval(tick, 1000)];
      }, (err) => {
        showError(err, 'sign in');
        bus.close();
      });
    };
    // err frames that answer no request: a refused token, a refused frame
    bus.onerror = (err) => showError(err);
    bus.onclose = () => {
      if (eb !== bus) return;
      disconnected(signedIn ? 'disconnected' : 'not signed in');
    };
    eb = bus;
  }

  function disconnected(text) {
    $('token').value = '';
    timers.forEach(clearInterval);
    timers = [];
    eb = null;
    signedIn = false;
    setStatus('signed-out', text);
    $('signin-button').disabled = false;
    $('signin-panel').hidden = false;
    $('app').hidden = true;
    $('signout').hidden = true;
    // registrations and credit belong to the connection: a new sign-in starts from the service's list
    for (const rec of procs.values()) if (rec.view) rec.view.dispose();
    procs.clear();
    instances.clear();
    selected = null;
    $('processes').tBodies[0].replaceChildren();
    $('detail').hidden = true;
  }

  function signOut() {
    const bus = eb;
    disconnected('signed out');
    if (bus) bus.close();
  }

  // --- the process list

  function record(info) {
    let rec = procs.get(info.id);
    if (!rec) {
      rec = {
        id: info.id, info, ours: false, registered: false, nextSeq: 0, watchedFrom: null,
        credit: { stdout: 0, stderr: 0 }, decoders: { stdout: new TextDecoder(), stderr: new TextDecoder() },
        output: [], outputChars: 0, droppedChars: 0, stdinOpen: info.stdinPipe || !!info.terminal, attached: false,
        terminated: false, handler: null, row: null, held: null, replayed: false, view: null, typed: [], typing: false,
      };
      procs.set(info.id, rec);
    } else {
      // a list may be older than the events already seen: never go back in state
      const known = rec.info;
      rec.info = info;
      if (STATE_ORDER[known.state] > STATE_ORDER[info.state]) {
        rec.info.state = known.state;
        rec.info.exitStatus = known.exitStatus;
      }
    }
    if (info.serviceAddress) instances.add(info.serviceAddress);
    return rec;
  }

  /** Takes in listed processes; forgets those an instance that answered no longer lists. */
  function merge(list, answered) {
    const seen = new Set();
    for (const info of list) {
      seen.add(info.id);
      record(info);
    }
    let forgotten = 0;
    for (const rec of [...procs.values()].sort((a, b) => b.info.startedAt - a.info.startedAt)) {
      if (seen.has(rec.id) || !answered.has(rec.info.serviceAddress)) continue;
      if (rec.ours && ++forgotten <= MAX_FORGOTTEN) continue; // keep what this page started, with its output
      procs.delete(rec.id);
      if (rec.row) rec.row.remove();
      if (rec.view) rec.view.dispose();
      if (selected === rec.id) select(null);
    }
  }

  // The list is polled: no event announces a new process (events are per process address), so processes
  // started elsewhere (the CLI, another tab) are found only by listing. Exits of watched processes arrive as
  // events at once; the poll keeps state, pid and exit of the others current. One small request per instance
  // every 2 s, skipped while the page is hidden.
  async function refresh() {
    if (!signedIn || document.hidden || polling) return;
    const addresses = [service(), ...instances];
    polling = true;
    const results = await Promise.allSettled(addresses.map((a) => call(a, 'list', {})));
    polling = false;
    const all = [];
    const answered = new Set();
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        all.push(...r.value);
        answered.add(addresses[i]);
      } else if (r.reason && r.reason.failureType === 'NO_HANDLERS') {
        instances.delete(addresses[i]); // that instance is gone
      }
    });
    if (!signedIn) return;
    merge(all, answered);
    render();
  }

  /** Renews the lease of this principal on every instance running a process this page started. */
  function renewLeases() {
    const live = new Set();
    for (const rec of procs.values()) {
      if (rec.ours && rec.info.state === 'RUNNING') live.add(rec.info.serviceAddress);
    }
    for (const address of live) call(address, 'renewLease', {}).catch((err) => showError(err, 'renew lease'));
  }

  function tick() {
    for (const rec of procs.values()) {
      if (rec.row) rec.row.cells[5].textContent = age(rec.info.startedAt);
    }
  }

  function render() {
    const body = $('processes').tBodies[0];
    const recs = [...procs.values()].sort((a, b) => b.info.startedAt - a.info.startedAt);
    recs.forEach((rec, i) => {
      if (!rec.row) {
        rec.row = el('tr', { 'data-id': rec.id, tabindex: '0' },
          el('td', { class: 'command' }), el('td', { class: 'state' }), el('td', { class: 'pid' }),
          el('td', { class: 'node' }), el('td', { class: 'owner' }), el('td', { class: 'age' }),
          el('td', { class: 'exit' }));
      }
      const info = rec.info;
      const cells = [(info.argv || []).join(' '), info.state, String(info.pid || ''), info.instance || '',
        info.owner || '', age(info.startedAt), describeExit(info.exitStatus)];
      cells.forEach((text, c) => {
        if (rec.row.cells[c].textContent !== text) rec.row.cells[c].textContent = text;
      });
      rec.row.cells[0].title = cells[0];
      rec.row.cells[3].title = cells[3];
      rec.row.dataset.state = info.state;
      rec.row.classList.toggle('selected', rec.id === selected);
      if (body.children[i] !== rec.row) body.insertBefore(rec.row, body.children[i] || null);
    });
    $('no-processes').hidden = recs.length > 0;
    renderDetail();
  }

  // --- one process

  function select(id) {
    selected = id;
    const rec = id && procs.get(id);
    $('detail').hidden = !rec;
    if (rec && rec.info.terminal && !rec.view) {
      rec.view = terminalView({ rec });
      rec.view.fix(rec.info.terminal); // another's terminal: shown at its size, never resized from here
    }
    if (rec && !rec.registered && !rec.replayed && rec.info.eventAddress) {
      if (rec.info.state !== 'CLOSED') {
        watch(rec);
      } else {
        rec.held = []; // a closed process: what the node still keeps of it, nothing live
        replay(rec);
      }
    }
    rebuildOutput();
    render();
  }

  /**
   * Subscribes to a process's events; for a process this page started, then grants (which attaches it); for
   * another, then asks for what the node still keeps of it (replay), holding the live events until the reply.
   */
  function watch(rec) {
    rec.registered = true;
    rec.watchedFrom = rec.ours ? 0 : null;
    rec.held = rec.ours ? null : [];
    rec.handler = (err, msg) => {
      if (err) {
        rec.registered = false;
        showError(err, 'events of ' + (rec.info.argv || []).join(' '));
      } else if (rec.held) {
        rec.held.push(msg);
      } else {
        event(rec, msg);
      }
    };
    eb.registerHandler(rec.info.eventAddress, rec.handler);
    // the register frame went first on this connection, so the bridge subscribed before the grant arrives:
    // nothing is published before the first grant (docs/protocol.md, ordering guarantee 2)
    if (rec.ours) grant(rec);
    else replay(rec);
  }

  /**
   * Shows the events the node still keeps of a process from rec.nextSeq on (docs/protocol.md, replay), then
   * the live ones held meanwhile: those below the reply's nextSeq were in it and are skipped as duplicates.
   * Sent after the register frame, it is answered once the subscription is in place: nothing falls between.
   */
  function replay(rec) {
    rec.replayed = true;
    const flush = () => {
      const held = rec.held || [];
      rec.held = null;
      held.forEach((msg) => event(rec, msg));
      render();
    };
    call(rec.info.serviceAddress, 'replay', { id: rec.id, fromSeq: rec.nextSeq }).then((reply) => {
      if (rec.watchedFrom === null) rec.watchedFrom = rec.nextSeq;
      if (reply.missed) {
        note(rec, '[events ' + reply.missed.fromSeq + '–' + reply.missed.toSeq + ' are no longer kept by the node]');
        rec.nextSeq = reply.missed.toSeq + 1;
      }
      for (const e of reply.events || []) event(rec, { headers: { type: e.type, seq: String(e.seq) }, body: e.body });
      flush();
    }, (err) => {
      showError(err, 'output of ' + (rec.info.argv || []).join(' '));
      flush();
    });
  }

  /** Tops the credit of each piped stream up to WINDOW. Only the owner's grants count; observers never grant. */
  function grant(rec) {
    const g = { id: rec.id, stdout: 0, stderr: 0 };
    for (const stream of ['stdout', 'stderr']) {
      const piped = rec.info[stream + 'Pipe'] || (rec.info.terminal && stream === 'stdout');
      if (piped && rec.credit[stream] < WINDOW / 2) {
        g[stream] = WINDOW - rec.credit[stream];
        rec.credit[stream] += g[stream];
      }
    }
    if (g.stdout > 0 || g.stderr > 0 || !rec.attached) {
      rec.attached = true;
      eb.send(rec.info.controlAddress, g);
    }
  }

  function event(rec, msg) {
    const type = msg.headers.type;
    const seq = Number(msg.headers.seq);
    if (seq < rec.nextSeq) return; // a duplicate: the bus delivers each event once, so not expected
    if (rec.watchedFrom === null) {
      rec.watchedFrom = seq;
      if (seq > 0) note(rec, '[watching from event ' + seq + ': earlier output is not shown]');
    } else if (seq > rec.nextSeq) {
      note(rec, '[events ' + rec.nextSeq + '–' + (seq - 1) + ' were lost]');
    }
    rec.nextSeq = seq + 1;
    const body = msg.body || {};
    switch (type) {
      case 'stdout':
      case 'stderr': {
        const bytes = fromBase64Url(body.data);
        if (rec.view) rec.view.write(bytes);
        else append(rec, type, rec.decoders[type].decode(bytes, { stream: true }));
        rec.credit[type] -= bytes.length;
        if (rec.ours && signedIn && !rec.terminated) grant(rec);
        break;
      }
      case 'eof':
        if (!rec.view) append(rec, body.stream, rec.decoders[body.stream].decode());
        if (body.error) note(rec, '[' + body.stream + ' lost: ' + body.error + ']');
        break;
      case 'stdin-closed':
        rec.stdinOpen = false;
        break;
      case 'exit':
        rec.info.state = rec.info.state === 'CLOSED' ? 'CLOSED' : 'EXITED';
        rec.info.exitStatus = body;
        note(rec, '[' + describeExit(body) + ']');
        break;
      case 'terminated':
        rec.terminated = true;
        note(rec, '[terminated: ' + (body.message || body.reason) + ']');
        break;
      case 'closed':
        rec.info.state = 'CLOSED';
        if (rec.registered) {
          rec.registered = false;
          eb.unregisterHandler(rec.info.eventAddress, rec.handler); // frees one of the connection's registrations
        }
        break;
      default:
        break;
    }
    render();
  }

  /** Keeps output (at most MAX_OUTPUT_CHARS per process) and shows it when the process is selected. */
  function append(rec, stream, text) {
    if (!text) return;
    text = text.replace(/\r\n/g, '\n');
    const segment = { cls: stream, text };
    rec.output.push(segment);
    rec.outputChars += text.length;
    let trimmed = false;
    while (rec.outputChars > MAX_OUTPUT_CHARS && rec.output.length > 1) {
      const old = rec.output.shift();
      rec.outputChars -= old.text.length;
      rec.droppedChars += old.text.length;
      trimmed = true;
    }
    if (rec.id !== selected) return;
    if (trimmed) rebuildOutput();
    else show(segment);
  }

  function note(rec, text) {
    if (rec.view) rec.view.note(text);
    append(rec, 'note', (rec.output.length && !rec.output[rec.output.length - 1].text.endsWith('\n') ? '\n' : '')
      + text + '\n');
  }

  function rebuildOutput() {
    const out = $('output');
    out.replaceChildren();
    const rec = selected && procs.get(selected);
    if (!rec) return;
    if (rec.droppedChars > 0) show({ cls: 'note', text: '[' + rec.droppedChars + ' earlier characters not kept]\n' });
    rec.output.forEach(show);
  }

  /** Appends text as text nodes; control characters become visible escapes (\x1b, \u202e) in their own span. */
  function show(segment) {
    const out = $('output');
    const follow = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    const span = el('span', { class: segment.cls });
    let last = 0;
    for (const m of segment.text.matchAll(CONTROL)) {
      if (m.index > last) span.append(segment.text.slice(last, m.index));
      const n = m[0].charCodeAt(0);
      span.append(el('span', { class: 'ctl', text: n <= 0xff ? '\\x' + n.toString(16).padStart(2, '0')
        : '\\u' + n.toString(16).padStart(4, '0') }));
      last = m.index + m[0].length;
    }
    if (last < segment.text.length) span.append(segment.text.slice(last));
    out.append(span);
    if (follow) out.scrollTop = out.scrollHeight;
  }

  function renderDetail() {
    const rec = selected && procs.get(selected);
    if (!rec) return;
    const info = rec.info;
    $('detail-command').textContent = (info.argv || []).join(' ');
    const meta = [['id', info.id], ['pid', String(info.pid || '')], ['node', info.instance || ''],
      ['owner', info.owner || ''], ['state', info.state]];
    const dl = $('detail-meta');
    if (dl.children.length !== meta.length * 2) {
      dl.replaceChildren(...meta.flatMap(([k]) => [el('dt', { text: k }), el('dd', { 'data-field': k })]));
    }
    meta.forEach(([k, v]) => { dl.querySelector('[data-field="' + k + '"]').textContent = v; });
    const running = info.state === 'RUNNING';
    const exit = $('exit-status');
    exit.textContent = running ? 'running' : describeExit(info.exitStatus);
    exit.dataset.state = info.state;
    document.querySelectorAll('#detail .signal').forEach((b) => { b.disabled = !running; });
    const stdin = rec.stdinOpen && running && (info.stdinPipe || !!info.terminal);
    $('output').hidden = !!rec.view;
    $('stdin').hidden = !!rec.view;
    $('terminal-area').hidden = !rec.view;
    for (const other of procs.values()) {
      if (other.view && other !== rec && !other.view.host.hidden) other.view.show(false);
    }
    if (rec.view) {
      if (rec.view.host.hidden) rec.view.show(true);
      rec.view.input(stdin);
    }
    $('stdin-text').disabled = !stdin;
    $('stdin-send').disabled = !stdin;
    $('stdin-close').disabled = !stdin;
    $('observer-note').hidden = rec.ours;
  }

  // --- actions

  function argvInput(value) {
    const input = el('input', { type: 'text', spellcheck: 'false', class: 'arg' });
    input.value = value || '';
    const remove = el('button', { type: 'button', class: 'remove', title: 'remove this argument', text: '−' });
    const field = el('div', { class: 'arg-field' }, input, remove);
    remove.addEventListener('click', () => {
      if ($('argv').children.length > 1) field.remove();
      else input.value = '';
      labelArgs();
    });
    return field;
  }

  function labelArgs() {
    [...$('argv').querySelectorAll('input')].forEach((input, i) => {
      input.placeholder = i === 0 ? 'program, e.g. echo' : 'argument ' + i;
      input.setAttribute('aria-label', i === 0 ? 'program' : 'argument ' + i);
    });
  }

  async function start() {
    const argv = [...$('argv').querySelectorAll('input')].map((i) => i.value);
    while (argv.length > 1 && argv[argv.length - 1] === '') argv.pop(); // an empty last field is no argument
    if (!argv[0]) {
      showError('name a program in the first field', 'start');
      return;
    }
    const request = { command: argv, options: {} };
    const cwd = $('cwd').value.trim();
    if (cwd) request.options.cwd = cwd;
    // a terminal: its view is made first, so the process starts with the size it is shown at
    const holder = { rec: null };
    let view = null;
    if ($('start-terminal').checked) {
      // laid out where it will be shown (alone in the terminal area), so that it can be measured in cells
      for (const other of procs.values()) if (other.view) other.view.show(false);
      $('detail').hidden = false;
      $('output').hidden = true;
      $('stdin').hidden = true;
      $('terminal-area').hidden = false;
      view = terminalView(holder);
      request.options.terminal = view.proposed();
    }
    $('start-button').disabled = true;
    try {
      const info = await call(service(), 'spawn', { request });
      const rec = record(info);
      rec.ours = true;
      rec.view = view;
      holder.rec = rec;
      watch(rec);
      select(rec.id);
    } catch (err) {
      if (view) {
        view.dispose();
        if (!selected) $('detail').hidden = true;
        render();
      }
      showError(err, 'start ' + argv.join(' '));
    } finally {
      $('start-button').disabled = false;
    }
  }

  function signal(name) {
    const rec = procs.get(selected);
    if (!rec) return;
    call(rec.info.serviceAddress, 'signal', { id: rec.id, signal: name, group: false })
      .catch((err) => showError(err, name + ' to ' + (rec.info.argv || []).join(' ')));
  }

  async function sendStdin() {
    const rec = procs.get(selected);
    if (!rec) return;
    const text = $('stdin-text').value + ($('stdin-newline').checked ? '\n' : '');
    const bytes = new TextEncoder().encode(text);
    if (bytes.length === 0) return;
    if (rec.info.maxStdinMessageBytes && bytes.length > rec.info.maxStdinMessageBytes) {
      showError({ failureCode: 431, message: bytes.length + ' bytes is above this node\'s '
        + rec.info.maxStdinMessageBytes }, 'stdin');
      return;
    }
    try {
      await call(rec.info.serviceAddress, 'writeStdin', { id: rec.id, data: toBase64Url(bytes) });
      $('stdin-text').value = '';
    } catch (err) {
      showError(err, 'stdin');
    }
  }

  /**
   * A terminal view for the process of `holder.rec` (set once it started): keys go to its stdin, and the
   * view's size to its terminal when this page started it.
   */
  function terminalView(holder) {
    const recOf = () => holder.rec;
    return window.procbusTerminal.create($('terminal-area'), (bytes) => {
      const rec = recOf();
      if (rec) type(rec, bytes);
    }, (cols, rows) => {
      const rec = recOf();
      if (!rec || !rec.ours || rec.info.state !== 'RUNNING') return;
      call(rec.info.serviceAddress, 'resize', { id: rec.id, cols, rows })
        .catch((err) => showError(err, 'resize ' + cols + 'x' + rows));
    });
  }

  /** Sends typed bytes to a terminal process's stdin, one write at a time, in order; what comes meanwhile waits. */
  function type(rec, bytes) {
    if (!rec.stdinOpen || rec.info.state !== 'RUNNING') return;
    const max = rec.info.maxStdinMessageBytes || 65536;
    for (let i = 0; i < bytes.length; i += max) rec.typed.push(bytes.subarray(i, i + max));
    if (!rec.typing) sendTyped(rec, max);
  }

  function sendTyped(rec, max) {
    if (rec.typed.length === 0 || !signedIn) {
      rec.typing = false;
      rec.typed = [];
      return;
    }
    rec.typing = true;
    let size = 0;
    let n = 0;
    while (n < rec.typed.length && size + rec.typed[n].length <= max) size += rec.typed[n++].length;
    const chunk = new Uint8Array(size);
    let at = 0;
    for (const b of rec.typed.splice(0, n)) {
      chunk.set(b, at);
      at += b.length;
    }
    call(rec.info.serviceAddress, 'writeStdin', { id: rec.id, data: toBase64Url(chunk) })
      .catch((err) => showError(err, 'keys'))
      .finally(() => sendTyped(rec, max));
  }

  function closeStdin() {
    const rec = procs.get(selected);
    if (!rec) return;
    call(rec.info.serviceAddress, 'closeStdin', { id: rec.id }).catch((err) => showError(err, 'close stdin'));
  }

  // --- wiring

  function init() {
    $('argv').append(argvInput(''));
    labelArgs();
    $('add-arg').addEventListener('click', () => {
      const field = argvInput('');
      $('argv').append(field);
      labelArgs();
      field.querySelector('input').focus();
    });
    $('signin').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      if (token) connect(token);
    });
    $('signout').addEventListener('click', signOut);
    $('start').addEventListener('submit', (e) => {
      e.preventDefault();
      start();
    });
    $('stdin').addEventListener('submit', (e) => {
      e.preventDefault();
      sendStdin();
    });
    $('stdin-text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        sendStdin();
      }
    });
    $('stdin-close').addEventListener('click', closeStdin);
    document.querySelectorAll('#detail .signal').forEach((b) => {
      b.addEventListener('click', () => signal(b.dataset.signal));
    });
    const tbody = $('processes').tBodies[0];
    const pick = (e) => {
      const row = e.target.closest('tr[data-id]');
      if (row) select(row.dataset.id);
    };
    tbody.addEventListener('click', pick);
    tbody.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') pick(e);
    });
    // the selected terminal follows the size of its area (the window, the panel)
    new ResizeObserver(() => {
      const rec = selected && procs.get(selected);
      if (rec && rec.view) rec.view.fit();
    }).observe($('terminal-area'));
    $('token').focus();
  }

  init();
})();
