/* Reloads a page that follows a background job (core/_auto_refresh.html) every few seconds, until the person stops
   it with the button: a refresh they cannot turn off fails WCAG 2.2.1. Stopped stays stopped for that page for the
   rest of the tab's session (sessionStorage), so a reload does not start it again. */
(function () {
  "use strict";
  var box = document.querySelector("[data-auto-refresh]");
  if (!box) { return; }
  var button = box.querySelector("[data-auto-refresh-toggle]");
  var seconds = Number(box.getAttribute("data-auto-refresh")) || 2;
  var key = "shokuba.autoRefreshStopped:" + location.pathname;
  var timer = null;
  function stopped() {
    try { return window.sessionStorage.getItem(key) === "1"; } catch (e) { return false; }
  }
  function remember(value) {
    try { if (value) { window.sessionStorage.setItem(key, "1"); } else { window.sessionStorage.removeItem(key); } } catch (e) { /* private mode */ }
  }
  function show() {
    var isStopped = stopped();
    button.textContent = box.getAttribute(isStopped ? "data-label-start" : "data-label-stop");
    button.setAttribute("aria-pressed", isStopped ? "true" : "false");
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    if (!isStopped) { timer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000); }
  }
  button.addEventListener("click", function () { remember(!stopped()); show(); });
  button.hidden = false;
  show();
})();
