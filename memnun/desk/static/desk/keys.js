// memnun staff desk: keyboard shortcuts, the help overlay, and focus after an action in place.
// No framework; every shortcut has a visible control doing the same for mouse users.
(function () {
  "use strict";
  var script = document.currentScript;
  var queueUrl = script ? script.getAttribute("data-queue") : null;
  var returnTo = null;

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable || !!target.closest("input, textarea, select, [contenteditable]");
  }

  function firstField(root) {
    return root.querySelector("textarea, input:not([type=hidden]), select");
  }

  function openGroup(details) {
    details.open = true;
    var field = firstField(details);
    (field || details.querySelector("summary")).focus();
  }

  function helpDialog() {
    var dialog = document.getElementById("keys-help");
    if (dialog) return dialog;
    var template = document.getElementById("keys-help-template");
    if (!template) return null;
    document.body.appendChild(template.content.cloneNode(true));
    dialog = document.getElementById("keys-help");
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    // Focus goes back where it was when the dialog closes (Esc or the button).
    dialog.addEventListener("close", function () {
      if (returnTo && document.contains(returnTo)) returnTo.focus();
    });
    return dialog;
  }

  function focusSearch() {
    var search = document.querySelector("main input[type=search]");
    if (search) { search.focus(); return; }
    if (queueUrl) window.location.href = queueUrl + "#search";
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var open = document.querySelector("dialog[open]");
    if (open) return;  // the dialog's own keys (Esc) only
    var key = event.key;
    if (key === "?") {
      var dialog = helpDialog();
      if (dialog) {
        event.preventDefault();
        returnTo = document.activeElement;
        dialog.showModal();  // modal: the page behind is inert, Esc closes
      }
      return;
    }
    if (key === "/") { event.preventDefault(); focusSearch(); return; }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "DETAILS") openGroup(target);
    else if (target.tagName === "A") window.location.href = target.href;
  });

  // After an action in place: the error if there is one, else the newest timeline entry.
  var acted = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var live = document.getElementById("case-live");
    // Only a request that swaps the live part is an action; a saved reply filling the
    // message box (also inside it) must leave its group open and the box focused.
    acted = !!live && event.detail.target === live;
  });
  document.addEventListener("htmx:beforeSwap", function () {
    // Groups share a name: an open one still in the page would close the new open one
    // (details exclusivity applies on insertion), so the old ones close first.
    var live = document.getElementById("case-live");
    if (!acted || !live) return;
    live.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
  });
  document.addEventListener("htmx:afterSettle", function () {
    var live = document.getElementById("case-live");
    if (!acted || !live) return;
    acted = false;
    var focus = live.querySelector("#conflict, .error-summary");
    if (!focus && live.querySelector("#done")) focus = document.getElementById("newest-entry");
    if (focus) focus.focus();
  });

  if (window.location.hash === "#search") {
    document.addEventListener("DOMContentLoaded", focusSearch);
  }
})();
