// memnun staff desk: the little behaviour the pages need, loaded as a file (CSP: no inline script).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
