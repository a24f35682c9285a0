/* Log a nurse in, then go to the page asked for (only our own pages). */
(function () {
  "use strict";
  var form = document.getElementById("nc-login-form");
  var problem = document.getElementById("nc-login-error");
  var next = new URLSearchParams(location.search).get("next");
  if (next !== "queue") next = "console";

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.textContent = "";
    var body = JSON.stringify({
      username: document.getElementById("nc-username").value.trim(),
      password: document.getElementById("nc-password").value
    });
    fetch("login", { method: "POST", headers: { "Content-Type": "application/json" }, body: body, credentials: "same-origin" })
      .then(function (reply) {
        if (reply.ok) { location.assign(next); return; }
        problem.textContent = reply.status === 401 ? "Wrong username or password."
          : reply.status === 429 ? "Too many failed logins for this username: try again in 15 minutes."
          : "Could not log in (error " + reply.status + ").";
        document.getElementById("nc-password").select();
      })
      .catch(function () { problem.textContent = "The server cannot be reached."; });
  });
})();
