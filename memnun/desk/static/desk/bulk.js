// The queue's bulk bar: "select all on this page" ticks the rows, only the chosen
// action's field is shown, and the result gets the focus after htmx puts it in place.
// Without this file the bar works as a plain form (every field shown, "all" read by the server).
(function () {
  function rows() {
    return document.querySelectorAll('input[type="checkbox"][name="case"][form="bulk"]');
  }
  function showFor(select) {
    document.querySelectorAll("[data-bulk-for]").forEach(function (p) {
      p.hidden = p.getAttribute("data-bulk-for") !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    var t = event.target;
    if (!(t instanceof HTMLElement)) return;
    if (t.matches("[data-bulk-all]")) {
      rows().forEach(function (box) { box.checked = t.checked; });
    } else if (t.matches('input[name="case"][form="bulk"]') && !t.checked) {
      var all = document.querySelector("[data-bulk-all]");
      if (all) all.checked = false;
    } else if (t.matches("[data-bulk-action]")) {
      showFor(t);
    }
  });
  function init() {
    var select = document.querySelector("[data-bulk-action]");
    if (select) showFor(select);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.target;
    if (target instanceof HTMLElement && target.id === "bulk-result") target.focus();
  });
})();
