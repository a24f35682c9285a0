/* The live assessment: what the caller says -> POST assess (debounced 300 ms), drawn as a level
   banner, the text with its symptoms highlighted (negated ones struck through), the questions
   to ask as a checklist, the advice and the rules. Recording sends the same text with the note. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var text = $("nc-text"), days = $("nc-days"), note = $("nc-note");
  var banner = $("nc-banner"), problem = $("nc-error"), daysProblem = $("nc-days-error");
  var DEBOUNCE_MS = 300;
  var timer = null, inflight = null, sequence = 0, shownLevel = null;
  var checked = {};  // question id -> ticked, kept while the question stays

  function daysValue() {
    var raw = days.value.trim();
    if (raw === "") return null;
    if (!/^\d{1,5}$/.test(raw)) return undefined;
    return parseInt(raw, 10);
  }

  function request() {
    var body = { text: text.value };
    var d = daysValue();
    if (d !== null && d !== undefined) body.days_since_infusion = d;
    return body;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(assessNow, DEBOUNCE_MS);
  }

  function assessNow() {
    daysProblem.textContent = daysValue() === undefined ? "Days since the infusion must be a whole number, 0 or more." : "";
    if (!text.value.trim()) { showEmpty(); return; }
    if (inflight) inflight.abort();
    inflight = new AbortController();
    var mine = ++sequence, body = request();
    Nurse.api("POST", "assess", body, inflight.signal).then(function (reply) {
      if (mine !== sequence) return;  // an older answer, overtaken by newer typing
      if (!reply.ok) { problem.textContent = reply.data.error || "The assessment failed."; return; }
      problem.textContent = "";
      show(reply.data, body.text);
    }).catch(function (failure) {
      if (failure.name !== "AbortError" && failure.message !== "logged out") problem.textContent = "The server cannot be reached.";
    });
  }

  function showEmpty() {
    sequence++;
    setBanner(null);
    ["nc-highlighted", "nc-symptoms", "nc-questions", "nc-rules", "nc-advice"].forEach(function (id) { Nurse.clear($(id)); });
  }

  function setBanner(level) {
    banner.setAttribute("data-level", level || "none");
    var words = level ? Nurse.LEVEL_WORDS[level] : "Type what the caller says.";
    if (level !== shownLevel) banner.textContent = words;  // screen readers hear a change of level only
    shownLevel = level;
  }

  /* The text as it was sent, cut at every symptom's offsets; a piece covered by a present
     symptom is highlighted, one covered only by negated ones is struck through. */
  function highlight(target, said, symptoms) {
    Nurse.clear(target);
    var spans = symptoms.filter(function (s) {
      return s.message === current.message && typeof s.start === "number" && s.end > s.start && s.end <= said.length;
    });
    var cuts = [0, said.length];
    spans.forEach(function (s) { cuts.push(s.start, s.end); });
    cuts = cuts.filter(function (v, i, all) { return all.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i < cuts.length - 1; i++) {
      var from = cuts[i], to = cuts[i + 1], piece = said.slice(from, to);
      var covering = spans.filter(function (s) { return s.start <= from && to <= s.end; });
      if (!covering.length) { target.appendChild(document.createTextNode(piece)); continue; }
      var present = covering.filter(function (s) { return !s.negated; });
      var node = Nurse.el(present.length ? "mark" : "s", present.length ? "nc-hl nc-present" : "nc-hl nc-negated", piece);
      node.setAttribute("data-symptoms", covering.map(function (s) { return s.id; }).join(" "));
      node.title = covering.map(function (s) { return s.name + (s.negated ? " (absent)" : ""); }).join(", ");
      target.appendChild(node);
    }
  }

  var current = { message: 0 };

  function show(result, said) {
    current = result;
    setBanner(result.level);
    highlight($("nc-highlighted"), said, result.symptoms);

    var list = $("nc-symptoms");
    Nurse.clear(list);
    result.symptoms.forEach(function (s) {
      var item = Nurse.el("li", s.negated ? "nc-negated" : "nc-present");
      item.appendChild(Nurse.el("strong", null, s.name));
      item.appendChild(document.createTextNode(" - \u201c" + s.text + "\u201d" + (s.negated ? ", said to be absent" : "") +
        (s.uncertain ? ", not sure (counts as present)" : "") + (s.other_person ? ", about the patient" : "")));
      list.appendChild(item);
    });
    if (!result.symptoms.length) list.appendChild(Nurse.el("li", "nc-muted", "No listed warning sign recognised yet."));

    var questions = $("nc-questions");
    Nurse.clear(questions);
    result.questions.forEach(function (q) {
      var item = Nurse.el("li"), box = Nurse.el("input"), label = Nurse.el("label", null, q.text);
      box.type = "checkbox"; box.id = "nc-q-" + q.id; box.checked = !!checked[q.id];
      box.addEventListener("change", function () { checked[q.id] = box.checked; });
      label.htmlFor = box.id;
      item.appendChild(box); item.appendChild(label);
      questions.appendChild(item);
    });
    if (!result.questions.length) {
      questions.appendChild(Nurse.el("li", "nc-muted", result.level === "emergency"
        ? "None: a red flag is answered at once." : "Nothing that would change the level."));
    }

    $("nc-advice").textContent = result.advice;
    var rules = $("nc-rules");
    Nurse.clear(rules);
    result.rules.forEach(function (r) {
      var item = Nurse.el("li");
      item.appendChild(Nurse.el("code", null, r.id));
      item.appendChild(document.createTextNode(" (" + r.level + "): " + r.reason + " "));
      var source = Nurse.el("span", "nc-source", r.source.ref + (r.source.quote ? ": \u201c" + r.source.quote + "\u201d" : r.source.section ? ": " + r.source.section : ""));
      item.appendChild(source);
      rules.appendChild(item);
    });
  }

  function record() {
    var status = $("nc-record-status");
    if (!text.value.trim()) { status.textContent = "Type what the caller says first."; text.focus(); return; }
    if (daysValue() === undefined) { status.textContent = "Correct the days since the infusion first."; days.focus(); return; }
    var body = request();
    body.note = note.value;
    status.textContent = "Recording\u2026";
    Nurse.api("POST", "calls", body).then(function (reply) {
      if (reply.ok) {
        var call = reply.data.call;
        status.textContent = "Recorded call #" + call.id + " (" + call.level + ") in the follow-up queue.";
        status.setAttribute("data-call-id", call.id);
      } else {
        status.textContent = reply.data.error || "Not recorded (error " + reply.status + ").";
      }
    }).catch(function (failure) {
      if (failure.message !== "logged out") status.textContent = "Not recorded: the server cannot be reached.";
    });
  }

  text.addEventListener("input", schedule);
  days.addEventListener("input", schedule);
  $("nc-record").addEventListener("click", record);
  text.focus();
})();
