// satupintu portal: progressive enhancement only. Every page works without this file.
"use strict";

// Installable app: the service worker caches the shell and serves the offline page.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // No offline support in this browser session; the portal still works online.
    });
  });
}

// Search as you type: a combobox (WAI-ARIA 1.2 pattern) over /api/v1/suggest. Without
// JavaScript the form still submits to the results page.
(function () {
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) return;
  var list = document.createElement("ul");
  list.id = "q-saran";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("data-label") || "Saran");
  list.hidden = true;
  input.parentElement.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var items = [];
  var active = -1;
  var timer = null;
  var latest = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(i) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (o, k) { o.setAttribute("aria-selected", k === i ? "true" : "false"); });
    active = i;
    if (i >= 0 && options[i]) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(i) {
    if (items[i]) window.location.href = items[i].links.html;
  }

  function render(found) {
    list.textContent = "";
    items = found;
    found.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "q-saran-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = item.name;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); open(i); });
      list.appendChild(li);
    });
    if (found.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } else {
      close();
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var mine = ++latest;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (mine === latest) render(data.items || []); })
        .catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, -1)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); open(active); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();

// Talas in a panel on every page: the "Tanya Talas" link becomes a button that opens it.
// Without JavaScript (or fetch) the link leads to the chat page, /talas.
(function () {
  var link = document.querySelector("a.talas-fab[data-chat]");
  if (!link || !window.fetch) return;
  var url = link.getAttribute("data-chat");
  var text = function (name) { return link.getAttribute("data-" + name); };
  var fab = el("button", "talas-fab", link.textContent);
  fab.type = "button";
  fab.setAttribute("aria-expanded", "false");
  link.replaceWith(fab);
  var panel, log, notice, input, timer, busy = false, seen = {};

  function el(tag, cls, words) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (words) e.textContent = words;
    return e;
  }

  function build() {
    panel = el("section", "talas-panel");
    panel.id = "talas-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "talas-judul");
    var head = el("div", "talas-head");
    var title = el("h2", null, fab.textContent);
    title.id = "talas-judul";
    var page = el("a", null, text("full"));
    page.href = link.getAttribute("href");
    var close = el("button", null, "×");
    close.type = "button";
    close.setAttribute("aria-label", text("close"));
    close.addEventListener("click", hide);
    head.append(title, page, close);
    var scroll = el("div", "chat-log");
    scroll.setAttribute("role", "log");
    scroll.setAttribute("aria-label", title.textContent);
    log = el("ol", "chat");
    scroll.append(log);
    notice = el("p", "talas-notice");
    notice.setAttribute("role", "status");
    var form = el("form", "chat-form");
    var label = el("label", null, text("label"));
    label.htmlFor = "talas-pesan";
    input = el("input");
    input.id = "talas-pesan";
    input.type = "text";
    input.maxLength = 1000;
    input.autocomplete = "off";
    input.required = true;
    var row = el("div", "chat-row");
    var send = el("button", null, text("send"));
    send.type = "submit";
    row.append(input, send);
    form.append(label, row);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var words = input.value.trim();
      if (words) { input.value = ""; say(words); }
    });
    panel.append(head, scroll, notice, form);
    document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) hide(); });
    document.body.appendChild(panel);
    fab.setAttribute("aria-controls", panel.id);
  }

  // New messages are appended (the live region reads only those); spent buttons go.
  function render(data) {
    log.querySelectorAll(".chat-buttons").forEach(function (b) { b.remove(); });
    (data.messages || []).forEach(function (m) {
      var li = seen[m.id];
      if (!li) {
        li = seen[m.id] = el("li", "msg " + m.who);
        li.append(el("span", "who", m.author), el("p", null, m.text));
        (m.links || []).forEach(function (k) {
          var a = el("a", null, k.title);
          a.href = k.url;
          var p = el("p", "chat-links");
          p.append(a);
          li.append(p);
        });
        log.append(li);
      }
      if (m.buttons && m.buttons.length) {
        var box = el("div", "chat-buttons");
        m.buttons.forEach(function (b) {
          var button = el("button", "button secondary", b.title);
          button.type = "button";
          button.addEventListener("click", function () { say(b.payload); });
          box.append(button);
        });
        li.append(box);
      }
    });
    notice.textContent = data.notice || "";
    log.parentNode.scrollTop = log.parentNode.scrollHeight;
    clearTimeout(timer);
    // While an officer has the conversation, their replies are fetched every few seconds.
    if (data.handover && !panel.hidden) timer = setTimeout(load, 5000);
  }

  function load() {
    if (document.hidden) { timer = setTimeout(load, 5000); return Promise.resolve(); }
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .then(render)
      .catch(failed);
  }

  function failed() { notice.textContent = text("error"); }

  function say(words) {
    if (busy) return;
    busy = true;
    notice.textContent = "";
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ message: words }),
    })
      .then(function (r) { if (!r.ok) throw r; return load(); })
      .catch(failed)
      // A pressed button is gone with its answer: the keyboard goes back to the message box.
      .then(function () { busy = false; input.focus(); });
  }

  function hide() {
    panel.hidden = true;
    clearTimeout(timer);
    fab.setAttribute("aria-expanded", "false");
    fab.focus();
  }

  fab.addEventListener("click", function () {
    if (panel && !panel.hidden) { hide(); return; }
    if (!panel) build();
    panel.hidden = false;
    fab.setAttribute("aria-expanded", "true");
    input.focus();
    load();
  });
})();
