/* Shared by the console and the queue page: calls to the API with the session cookie, and
   building elements with textContent only (never innerHTML: every text here is a patient's). */
var Nurse = (function () {
  "use strict";
  var page = location.pathname.split("/").pop() || "console";

  function toLogin() { location.assign("login?next=" + encodeURIComponent(page)); }

  function api(method, path, body, signal) {
    var options = { method: method, credentials: "same-origin", headers: {}, signal: signal };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (reply) {
      if (reply.status === 401) { toLogin(); throw new Error("logged out"); }
      return reply.json().then(function (data) { return { status: reply.status, ok: reply.ok, data: data }; });
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  var LEVEL_WORDS = {
    emergency: "EMERGENCY: call 911 now",
    urgent: "URGENT: call the doctor right away, today",
    routine: "Not a listed warning sign"
  };

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".nc-logout"), function (button) {
      button.addEventListener("click", function () {
        fetch("logout", { method: "POST", credentials: "same-origin" }).finally(function () { location.assign("login"); });
      });
    });
  });

  return { api: api, el: el, clear: clear, LEVEL_WORDS: LEVEL_WORDS };
})();
