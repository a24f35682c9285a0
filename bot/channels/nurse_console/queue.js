/* The follow-up queue: emergency first, then urgent, the oldest first (the server's order).
   Each row's status can be changed; the change is audited with the nurse's name. */
(function () {
  "use strict";
  var body = document.getElementById("nc-queue"), filter = document.getElementById("nc-filter");
  var status = document.getElementById("nc-queue-status"), csv = document.getElementById("nc-csv");
  var STATUS_WORDS = { open: "Open", called_back: "Called back", closed: "Closed" };

  function when(iso) {
    var at = new Date(iso), minutes = Math.max(0, Math.round((Date.now() - at) / 60000));
    var age = minutes < 60 ? minutes + " min ago" : minutes < 2880 ? Math.round(minutes / 60) + " h ago" : Math.round(minutes / 1440) + " days ago";
    return at.toLocaleString() + " (" + age + ")";
  }

  function row(call) {
    var tr = Nurse.el("tr", "nc-row nc-row-" + call.level);
    tr.setAttribute("data-call-id", call.id);
    tr.appendChild(Nurse.el("td", null, call.id));
    var level = Nurse.el("td");
    level.appendChild(Nurse.el("span", "nc-badge nc-badge-" + call.level, call.level));
    tr.appendChild(level);
    tr.appendChild(Nurse.el("td", null, when(call.recorded_at)));
    var symptoms = Nurse.el("td");
    call.symptoms.forEach(function (s, i) {
      if (i) symptoms.appendChild(document.createTextNode(", "));
      symptoms.appendChild(Nurse.el(s.negated ? "s" : "span", null, s.name));
    });
    tr.appendChild(symptoms);
    tr.appendChild(Nurse.el("td", null, call.categories.join(", ")));
    tr.appendChild(Nurse.el("td", null, call.days_since_infusion === null ? "unknown" : call.days_since_infusion));
    tr.appendChild(Nurse.el("td", "nc-note", call.note));
    tr.appendChild(Nurse.el("td", null, call.recorded_by));

    var cell = Nurse.el("td", "nc-status-cell"), select = Nurse.el("select"), save = Nurse.el("button", "nc-small", "Save");
    select.id = "nc-status-" + call.id;
    select.setAttribute("aria-label", "Status of call " + call.id);
    Object.keys(STATUS_WORDS).forEach(function (value) {
      var option = Nurse.el("option", null, STATUS_WORDS[value]);
      option.value = value; option.selected = value === call.status;
      select.appendChild(option);
    });
    save.type = "button";
    save.setAttribute("aria-label", "Save the status of call " + call.id);
    save.addEventListener("click", function () {
      Nurse.api("POST", "calls/" + call.id + "/status", { status: select.value }).then(function (reply) {
        status.textContent = reply.ok ? "Call " + call.id + ": " + STATUS_WORDS[select.value] + " (by " + reply.data.call.updated_by + ")."
          : reply.data.error || "Not saved.";
        if (reply.ok) load(false);
      });
    });
    cell.appendChild(select); cell.appendChild(save);
    tr.appendChild(cell);
    return tr;
  }

  function load(announce) {
    var which = filter.value;
    csv.href = "queue.csv?status=" + encodeURIComponent(which);
    return Nurse.api("GET", "calls?status=" + encodeURIComponent(which)).then(function (reply) {
      if (!reply.ok) { status.textContent = reply.data.error || "The queue could not be loaded."; return; }
      Nurse.clear(body);
      reply.data.calls.forEach(function (call) { body.appendChild(row(call)); });
      if (!reply.data.calls.length) {
        var empty = Nurse.el("tr"), cell = Nurse.el("td", "nc-muted", "No calls.");
        cell.colSpan = 9; empty.appendChild(cell); body.appendChild(empty);
      }
      body.setAttribute("data-loaded", "true");
      if (announce) status.textContent = reply.data.calls.length + " call(s).";
    });
  }

  filter.addEventListener("change", function () { load(true); });
  load(true);
})();
