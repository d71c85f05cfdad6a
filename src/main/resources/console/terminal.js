// The console's terminal view of a process started with a pseudo-terminal: the bundled xterm.js (window.Terminal)
// with its fit addon (window.FitAddon) in a host element of its own. Keys typed into it go out as bytes; the
// process's output is written to it as bytes (xterm.js decodes UTF-8 and interprets the escape sequences: that
// is a terminal's job). console.js owns the protocol; this file only draws and reads the keyboard.
(() => {
  'use strict';

  /** The size a view has before it is laid out (a hidden panel): the node's default too. */
  const DEFAULT_SIZE = { cols: 80, rows: 24 };

  // xterm.js writes its computed rules (cell size, palette) into <style> elements, which the page's
  // Content-Security-Policy (style-src 'self') does not apply. The same rules, from this origin's script, go
  // into a constructed style sheet instead (CSSOM, as element.style is): nothing else is allowed in.
  const sheets = new Map();
  function adopt(style) {
    let sheet = sheets.get(style);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheets.set(style, sheet);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    sheet.replaceSync(style.textContent || '');
  }
  function forget(style) {
    const sheet = sheets.get(style);
    if (!sheet) return;
    sheets.delete(style);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  }
  function styleOf(node) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === 'STYLE') return node;
    const parent = node.parentNode;
    return parent && parent.nodeType === Node.ELEMENT_NODE && parent.tagName === 'STYLE' ? parent : null;
  }
  const styles = new MutationObserver((changes) => {
    for (const change of changes) {
      const target = styleOf(change.target);
      if (target) adopt(target);
      for (const node of change.addedNodes) {
        const style = styleOf(node);
        if (style) adopt(style);
        else if (node.querySelectorAll) node.querySelectorAll('style').forEach(adopt);
      }
      for (const node of change.removedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.tagName === 'STYLE') forget(node);
        else node.querySelectorAll('style').forEach(forget);
      }
    }
  });
  styles.observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  const encoder = new TextEncoder();

  /**
   * A terminal view in a new host element inside `area`: `onInput(bytes)` gets what is typed (or pasted),
   * `onResize(cols, rows)` each size the view takes after fitting its area.
   */
  function create(area, onInput, onResize) {
    const host = document.createElement('div');
    host.className = 'terminal-host';
    area.append(host);
    const term = new window.Terminal({ convertEol: false, scrollback: 5000, cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 });
    const fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(host);
    term.onData((text) => onInput(encoder.encode(text)));
    // bytes that are not text (some mouse reports): one byte per character
    term.onBinary((text) => onInput(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)));
    // the size shown on the host too (data-cols, data-rows): what the process's terminal was last told
    const mark = () => {
      host.dataset.cols = String(term.cols);
      host.dataset.rows = String(term.rows);
    };
    term.onResize(({ cols, rows }) => {
      mark();
      onResize(cols, rows);
    });
    let fixed = false;
    const view = {
      term,
      host,
      /** The size fitting the area now, or the default when it is not laid out. */
      proposed() {
        const d = fit.proposeDimensions();
        const size = d && d.cols > 0 && d.rows > 0 ? { cols: d.cols, rows: d.rows } : { ...DEFAULT_SIZE };
        term.resize(size.cols, size.rows); // not told to the process: it starts with this size
        mark();
        return size;
      },
      /** Resizes to the area (onResize follows when the size changed), unless the size is fixed. */
      fit() {
        if (!fixed && !host.hidden && host.clientWidth > 0) fit.fit();
      },
      /** Keeps the view at a process's own size ({cols, rows}): one this page does not size. */
      fix(size) {
        fixed = true;
        if (size && size.cols > 0 && size.rows > 0) term.resize(size.cols, size.rows);
        mark();
      },
      write(bytes) {
        term.write(bytes);
      },
      /** A line of the console's own (an exit, a gap), dim, on a line of its own. */
      note(text) {
        term.write('\r\n\x1b[2m' + text.replace(/[\x00-\x1f\x7f-\x9f]/g, '') + '\x1b[0m\r\n');
      },
      /** Whether keys are taken (a running process whose stdin is open). */
      input(enabled) {
        term.options.disableStdin = !enabled;
        term.options.cursorBlink = enabled;
      },
      show(visible) {
        host.hidden = !visible;
        if (visible) {
          view.fit();
          term.focus();
        }
      },
      dispose() {
        term.dispose();
        host.remove();
      },
    };
    return view;
  }

  window.procbusTerminal = { create, DEFAULT_SIZE };
})();
