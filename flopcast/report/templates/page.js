// Keyboard navigation between the costed (focusable) lines. Tab order already visits
// them; j/k and the arrow keys step line by line without leaving the source.
(function () {
  "use strict";
  var lines = Array.prototype.slice.call(document.querySelectorAll(".line[tabindex]"));
  function step(from, by) {
    var i = lines.indexOf(from);
    var next = lines[Math.max(0, Math.min(lines.length - 1, i + by))];
    if (next) { next.focus(); next.scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("keydown", function (ev) {
    var here = document.activeElement;
    if (!here || !here.classList || !here.classList.contains("line") || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    if (ev.key === "j" || ev.key === "ArrowDown") { step(here, 1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { step(here, -1); ev.preventDefault(); }
    else if (ev.key === "Escape") { here.blur(); }
  });
  // A link to a line (a finding, a function) focuses it, so its ops show at once.
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.classList.contains("line") && el.hasAttribute("tabindex")) { el.focus(); }
  }
  window.addEventListener("hashchange", focusTarget);
  focusTarget();
})();
