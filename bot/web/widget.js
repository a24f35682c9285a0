/*! Alemtuzumab symptom-triage chat widget. Plain JS, no framework, nothing from third parties.
 * Embed: <script src="https://YOUR-HOST/widget.js" data-server="https://YOUR-RASA:5005" defer></script>
 * Options are data attributes on that tag: see docs/widget.md. Talks to Rasa's socket.io channel.
 * Every text from the bot or the person is put on the page with textContent, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-server][src*='widget']");
  if (!script || window.TriageWidget) return;

  var ds = script.dataset;
  var base = new URL(".", script.src).href;
  var config = {
    server: (ds.server || new URL(script.src).origin).replace(/\/+$/, ""),
    socketPath: ds.socketPath || "/socket.io/",
    title: ds.title || "Symptom helper",
    launcherLabel: ds.launcherLabel || "Check a symptom",
    clinicName: ds.clinicName || "your clinic",
    clinicPhone: ds.clinicPhone || "",
    emergencyNumber: ds.emergencyNumber || "911",
    crisisLine: ds.crisisLine || "988",
    initPayload: ds.initPayload === undefined ? "/greet" : ds.initPayload
  };
  var KEY = "triageWidget:" + config.server + ":";
  var MAX_HISTORY = 200;
  var CLAIM_MS = 15000; // another tab may resend a queued message claimed longer ago than this
  var LEVEL_BADGE = { emergency: "Emergency", urgent: "Urgent: today", routine: "Not a listed warning sign" };
  var tabId = Math.random().toString(36).slice(2);
  try { // kept across a reload of this tab, so a message it had claimed is sent again at once
    tabId = sessionStorage.getItem("triageWidget:tab") || tabId;
    sessionStorage.setItem("triageWidget:tab", tabId);
  } catch (e) { /* a new id per page */ }

  // ---- storage: localStorage is shared by the tabs of this site; memory when it is blocked
  var memory = {};
  function load(name, fallback) {
    try {
      var raw = localStorage.getItem(KEY + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return name in memory ? memory[name] : fallback;
    }
  }
  function save(name, value) {
    memory[name] = value;
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* memory only */ }
  }
  function forget(name) {
    delete memory[name];
    try { localStorage.removeItem(KEY + name); } catch (e) { /* memory only */ }
  }
  function history() { var h = load("history", []); return Array.isArray(h) ? h : []; }
  function update(change) {
    var h = history();
    change(h);
    if (h.length > MAX_HISTORY) h = h.slice(h.length - MAX_HISTORY);
    save("history", h);
    render(h);
  }
  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }

  // ---- DOM helpers: text only
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function telLink(number, label, className) {
    var digits = String(number).replace(/[^\d+]/g, "");
    if (!digits) return el("span", className || "tw-call", label);
    var a = el("a", className || "tw-call", label);
    a.href = "tel:" + digits;
    return a;
  }
  function firstSentence(text) {
    var m = /^(.+?[.!?])(\s+|$)([\s\S]*)$/.exec(text);
    return m ? [m[1], m[3]] : [text, ""];
  }

  // ---- the widget's elements
  var root = el("div", "tw-root");
  root.hidden = true; // shown once widget.css has loaded
  root.setAttribute("data-triage-widget", "");
  if (ds.accent && window.CSS && CSS.supports("color", ds.accent)) root.style.setProperty("--tw-accent", ds.accent);
  if (ds.accentText && window.CSS && CSS.supports("color", ds.accentText)) root.style.setProperty("--tw-accent-text", ds.accentText);

  var launcher = el("button", "tw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "tw-panel");
  launcher.appendChild(el("span", "tw-launcher-icon")).setAttribute("aria-hidden", "true");
  launcher.appendChild(el("span", "tw-launcher-label", config.launcherLabel));

  var panel = el("section", "tw-panel");
  panel.id = "tw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "tw-title");

  var header = el("header", "tw-header");
  var heading = el("div", "tw-heading");
  heading.appendChild(el("h2", "tw-title", config.title)).id = "tw-title";
  var note = el("p", "tw-subtitle", "Not for emergencies. In an emergency call ");
  note.appendChild(telLink(config.emergencyNumber, config.emergencyNumber, "tw-header-call"));
  heading.appendChild(note);
  header.appendChild(heading);
  var clearButton = el("button", "tw-icon-button tw-clear", "Clear");
  clearButton.type = "button";
  clearButton.setAttribute("aria-label", "Clear this conversation from this browser");
  var closeButton = el("button", "tw-icon-button tw-close", "\u00d7");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "Close the chat");
  header.appendChild(clearButton);
  header.appendChild(closeButton);

  var status = el("div", "tw-status");
  status.setAttribute("role", "status");
  var statusText = el("p", "tw-status-text");
  status.appendChild(statusText);

  var log = el("ol", "tw-log");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;
  var typing = el("div", "tw-typing");
  typing.hidden = true;
  typing.appendChild(el("span", "tw-sr-only", "The assistant is writing"));
  for (var i = 0; i < 3; i++) typing.appendChild(el("span", "tw-dot")).setAttribute("aria-hidden", "true");

  var form = el("form", "tw-form");
  var inputLabel = el("label", "tw-sr-only", "Your message");
  inputLabel.htmlFor = "tw-input";
  var input = el("textarea", "tw-input");
  input.id = "tw-input";
  input.rows = 1;
  input.maxLength = 1000;
  input.placeholder = "Describe how you feel\u2026";
  var sendButton = el("button", "tw-send", "Send");
  sendButton.type = "submit";
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(status);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);

  // Screen readers hear each reply here; an emergency interrupts (assertive).
  var politeLive = el("div", "tw-sr-only tw-live");
  politeLive.setAttribute("aria-live", "polite");
  var urgentLive = el("div", "tw-sr-only tw-live-emergency");
  urgentLive.setAttribute("aria-live", "assertive");
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(politeLive);
  root.appendChild(urgentLive);

  // ---- rendering the history (the same in every tab, from localStorage)
  var rendered = false;
  var toAnnounce = [];

  function signature(entry, withButtons) {
    return JSON.stringify([entry.text, entry.level, entry.categories, !!entry.pending, withButtons]);
  }

  function adviceCalls(entry) {
    var calls = el("div", "tw-calls");
    var cats = entry.categories || [];
    if (entry.level === "emergency") {
      calls.appendChild(telLink(config.emergencyNumber, "Call " + config.emergencyNumber + " now", "tw-call tw-call-primary"));
      if (cats.indexOf("mental_health") >= 0) calls.appendChild(telLink(config.crisisLine, "Call " + config.crisisLine + " (crisis line)"));
    }
    var clinic = config.clinicPhone && entry.level !== "routine" && telLink(config.clinicPhone, "Call " + config.clinicName + ": ");
    if (clinic) {
      clinic.appendChild(el("span", "tw-nowrap", config.clinicPhone));
      calls.appendChild(clinic);
    }
    return calls.childNodes.length ? calls : null;
  }

  function buildEntry(entry, withButtons) {
    var li = el("li", "tw-msg tw-" + (entry.who === "user" ? "user" : "bot"));
    var bubble = li.appendChild(el("div", "tw-bubble"));
    bubble.appendChild(el("span", "tw-sr-only", entry.who === "user" ? "You said: " : "Assistant: "));
    var level = LEVEL_BADGE.hasOwnProperty(entry.level) ? entry.level : null;
    if (level) {
      li.className += " tw-advice tw-level-" + level;
      li.setAttribute("data-level", level);
      bubble.appendChild(el("p", "tw-badge", LEVEL_BADGE[level]));
      // The action first, in bold, with the call buttons right under it; then why.
      var parts = firstSentence(entry.text || "");
      bubble.appendChild(el("p", "tw-action")).appendChild(el("strong", null, parts[0]));
      var calls = adviceCalls(entry);
      if (calls) bubble.appendChild(calls);
      if (parts[1]) bubble.appendChild(el("p", "tw-text", parts[1]));
    } else {
      bubble.appendChild(el("p", "tw-text", entry.text || ""));
    }
    if (entry.pending) li.appendChild(el("p", "tw-pending", "Not sent yet: it will be sent when the connection is back."));
    if (withButtons) {
      var group = li.appendChild(el("div", "tw-replies"));
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Quick replies");
      entry.buttons.forEach(function (b) {
        var button = group.appendChild(el("button", "tw-reply", b.title));
        button.type = "button";
        button.addEventListener("click", function () {
          sendMessage(b.payload, b.title);
          input.focus();
        });
      });
    }
    return li;
  }

  function render(h) {
    var visible = h.filter(function (e) { return !e.hidden; });
    var last = visible[visible.length - 1];
    var nodes = {};
    Array.prototype.forEach.call(log.children, function (li) { nodes[li.getAttribute("data-id")] = li; });
    var previous = null;
    var scrollTo = null; // the first new answer, shown from its top; or the bottom after a message
    visible.forEach(function (entry) {
      var withButtons = entry === last && entry.who === "bot" && !!(entry.buttons && entry.buttons.length);
      var sig = signature(entry, withButtons);
      var li = nodes[entry.id];
      delete nodes[entry.id];
      if (!li || li.getAttribute("data-sig") !== sig) {
        var fresh = buildEntry(entry, withButtons);
        fresh.setAttribute("data-id", entry.id);
        fresh.setAttribute("data-sig", sig);
        if (li) {
          log.replaceChild(fresh, li);
        } else if (rendered && entry.who === "bot") {
          toAnnounce.push(entry.id);
        }
        var isNew = !li || !rendered;
        if (entry.who !== "bot" && isNew) scrollTo = log;
        var newAnswer = isNew || (entry.level && li.getAttribute("data-level") !== entry.level);
        if (entry.who === "bot" && newAnswer && (!scrollTo || scrollTo === log || !rendered)) scrollTo = fresh;
        li = fresh;
      }
      var wanted = previous ? previous.nextSibling : log.firstChild;
      if (li !== wanted) log.insertBefore(li, wanted);
      previous = li;
    });
    Object.keys(nodes).forEach(function (id) { log.removeChild(nodes[id]); });
    rendered = true;
    scrollToward(scrollTo);
    if (toAnnounce.length) setTimeout(announce, 300); // the level arrives just after the text
  }

  function scrollToward(target) {
    if (target === log) log.scrollTop = log.scrollHeight;
    else if (target) log.scrollTop += target.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  }

  function announce() {
    var byId = {};
    history().forEach(function (e) { byId[e.id] = e; });
    toAnnounce.splice(0).forEach(function (id) {
      var e = byId[id];
      if (!e) return;
      var region = e.level === "emergency" ? urgentLive : politeLive;
      var prefix = e.level ? LEVEL_BADGE[e.level] + ". " : "";
      region.appendChild(el("p", null, "Assistant: " + prefix + (e.text || "")));
      while (region.childNodes.length > 3) region.removeChild(region.firstChild);
    });
  }

  // ---- the connection: Rasa's socket.io channel, one session id per browser
  var io = null;
  var socket = null;
  var sessionConfirmed = false;
  var inFlight = 0;

  function setOnline(online) {
    root.classList.toggle("tw-offline", !online);
    status.hidden = online;
    statusText.textContent = "";
    if (online) return;
    statusText.appendChild(document.createTextNode(
      "You are offline: the assistant cannot be reached right now. Trying again\u2026 " +
      "What you type is kept and sent when the connection is back. In an emergency call "));
    statusText.appendChild(telLink(config.emergencyNumber, config.emergencyNumber, "tw-status-call"));
    if (config.clinicPhone) {
      statusText.appendChild(document.createTextNode("; to reach " + config.clinicName + " call "));
      statusText.appendChild(telLink(config.clinicPhone, config.clinicPhone, "tw-status-call"));
    }
    statusText.appendChild(document.createTextNode("."));
  }

  function showTyping(on) {
    typing.hidden = !on;
  }

  function loadSocketIo(ready) {
    if (io) return ready();
    var previousIo = window.io;
    var tag = document.createElement("script");
    tag.src = base + "vendor/socket.io.min.js";
    tag.onload = function () {
      io = window.io;
      if (previousIo) window.io = previousIo; // leave the page's own socket.io alone
      ready();
    };
    tag.onerror = function () { setOnline(false); };
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket) return;
    socket = {}; // loading
    loadSocketIo(function () {
      socket = io(config.server, { path: config.socketPath, reconnectionDelayMax: 5000, timeout: 10000 });
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: load("session", null) });
      });
      socket.on("session_confirm", function (id) {
        if (id && typeof id === "object") id = id.session_id;
        save("session", String(id));
        sessionConfirmed = true;
        setOnline(true);
        flush();
      });
      socket.on("bot_uttered", receive);
      socket.on("connect_error", function () { setOnline(false); });
      socket.on("disconnect", function () {
        sessionConfirmed = false;
        inFlight = 0;
        showTyping(false);
        setOnline(false);
      });
    });
  }

  // The tab that sent the last message records the answers; the other tabs see them through
  // localStorage. With no such tab left (closed mid-answer), every tab records them.
  function receive(message) {
    var sender = load("sender", null);
    if (sender && sender !== tabId) return;
    if (!message || typeof message !== "object") return;
    var triage = message.custom && message.custom.triage;
    update(function (h) {
      if (triage && typeof triage === "object") {
        var level = String(triage.level);
        var categories = Array.isArray(triage.categories) ? triage.categories.map(String) : [];
        for (var i = h.length - 1; i >= 0 && h[i].who !== "user"; i--) {
          if (!h[i].hidden && !h[i].level) {
            h[i].level = level;
            h[i].categories = categories;
            return;
          }
        }
        h.push({ id: newId(), who: "bot", text: "", level: level, categories: categories });
        return;
      }
      if (typeof message.text !== "string") return;
      var buttons = (message.quick_replies || message.buttons || []).filter(function (b) {
        return b && b.title !== undefined && b.payload !== undefined;
      }).map(function (b) { return { title: String(b.title), payload: String(b.payload) }; });
      h.push({ id: newId(), who: "bot", text: message.text, buttons: buttons });
    });
  }

  // Queued messages live in the history (pending: true) so that a reload or a closed tab
  // loses nothing; one tab claims a message before sending it.
  function flush() {
    if (!socket || !socket.connected || !sessionConfirmed || !load("session", null)) return;
    var now = Date.now();
    var toSend = [];
    update(function (h) {
      h.forEach(function (e) {
        if (!e.pending) return;
        if (e.claim && e.claim.tab !== tabId && now - e.claim.at < CLAIM_MS) return;
        e.claim = { tab: tabId, at: now };
        toSend.push({ id: e.id, payload: e.payload });
      });
    });
    toSend.forEach(function (item) {
      save("sender", tabId);
      inFlight += 1;
      showTyping(true);
      socket.emit("user_uttered", { message: item.payload, session_id: load("session", null) }, function () {
        // Rasa acknowledges after it has sent every answer to this message.
        inFlight = Math.max(0, inFlight - 1);
        if (!inFlight) showTyping(false);
        update(function (h) {
          h.forEach(function (e) {
            if (e.id === item.id) { delete e.pending; delete e.claim; }
          });
        });
      });
    });
  }

  function sendMessage(payload, shown, hidden) {
    payload = String(payload).trim();
    if (!payload) return;
    var entry = { id: newId(), who: "user", text: shown || payload, payload: payload, pending: true };
    if (hidden) entry.hidden = true;
    update(function (h) { h.push(entry); });
    connect();
    flush();
  }

  // ---- opening, closing, typing
  function isOpen() { return !panel.hidden; }
  function open() {
    panel.hidden = false;
    root.classList.add("tw-is-open");
    launcher.setAttribute("aria-expanded", "true");
    try { sessionStorage.setItem(KEY + "open", "1"); } catch (e) { /* not kept */ }
    connect();
    if (!history().length && config.initPayload) sendMessage(config.initPayload, null, true); // the bot's safety notice
    var latest = log.lastElementChild;
    scrollToward(latest && latest.classList.contains("tw-bot") ? latest : log);
    input.focus();
  }
  function close() {
    panel.hidden = true;
    root.classList.remove("tw-is-open");
    launcher.setAttribute("aria-expanded", "false");
    try { sessionStorage.removeItem(KEY + "open"); } catch (e) { /* not kept */ }
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (isOpen()) close(); else open(); });
  closeButton.addEventListener("click", close);
  clearButton.addEventListener("click", function () {
    if (!window.confirm("Clear this conversation from this browser?")) return;
    forget("history");
    forget("session");
    forget("sender");
    render([]);
    sessionConfirmed = false; // the greeting waits for the new session id
    if (socket && socket.connected) socket.emit("session_request", { session_id: null });
    if (config.initPayload) sendMessage(config.initPayload, null, true);
    input.focus();
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); return; }
    // Full screen on a phone: keep the keyboard focus inside the panel.
    if (event.key === "Tab" && window.matchMedia("(max-width: 480px)").matches) {
      var focusable = panel.querySelectorAll("button, a[href], textarea, [tabindex='0']");
      var first = focusable[0];
      var lastOne = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); lastOne.focus(); }
      else if (!event.shiftKey && document.activeElement === lastOne) { event.preventDefault(); first.focus(); }
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    input.style.height = "";
    sendMessage(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  input.addEventListener("input", function () {
    input.style.height = "";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });

  window.addEventListener("pagehide", function () {
    if (load("sender", null) === tabId) forget("sender");
  });

  // Another tab wrote: show the same conversation, and follow a new session id.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY + "history" || event.key === null) render(history());
    if (event.key === KEY + "session" && event.newValue && socket && socket.connected) {
      sessionConfirmed = false;
      socket.emit("session_request", { session_id: load("session", null) });
    }
  });

  // ---- start
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "widget.css";
  css.onload = css.onerror = function () { root.hidden = false; };
  document.head.appendChild(css);
  setOnline(true);
  render(history());
  document.body.appendChild(root);
  var wasOpen = false;
  try { wasOpen = sessionStorage.getItem(KEY + "open") === "1"; } catch (e) { /* closed */ }
  if (wasOpen) open();
  else if (history().some(function (e) { return e.pending; })) connect(); // send what was typed offline

  window.TriageWidget = { open: open, close: close, config: config };
})();
