// Keyboard shortcuts for reviewers. Every page works without this file:
// the keys only press the buttons and follow the links that are there.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target.tagName;
    return t === "INPUT" || t === "SELECT" || t === "TEXTAREA";
  }
  function click(sel) {
    var el = document.querySelector(sel);
    if (el) { el.click(); return true; }
    return false;
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  var cur = -1;
  function select(i) {
    if (!rows.length) { return; }
    if (cur >= 0) { rows[cur].classList.remove("selected"); }
    cur = Math.max(0, Math.min(rows.length - 1, i));
    rows[cur].classList.add("selected");
    rows[cur].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e)) { return; }
    var k = e.key.toLowerCase();
    var done = false;
    if (rows.length) {
      if (k === "j") { select(cur + 1); done = true; }
      else if (k === "k") { select(cur - 1); done = true; }
      else if (k === "enter" || k === "o") {
        if (cur >= 0) { window.location = rows[cur].getAttribute("data-href"); done = true; }
      }
    } else if (k === "a") { done = click("#approve button"); }
    else if (k === "p") { done = click("#publish button"); }
    else if (k === "r") {
      var r = document.getElementById("reason");
      if (r) { r.focus(); done = true; }
    }
    else if (k === "j") { done = click("a[rel=next]"); }
    else if (k === "u") { done = click("a[rel=up]"); }
    if (done) { e.preventDefault(); }
  });
})();
