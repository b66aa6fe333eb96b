/* Names and keyboard access that django-ninja's bundled Swagger UI leaves out (api/templates/api/docs.html loads
   this after the bundle; the package itself is not edited). Swagger UI renders with React as operations are opened,
   so a MutationObserver mends each new element: the copy buttons get a name (WCAG 4.1.2), a parameter's select is
   named by its parameter (WCAG 1.3.1), and code blocks that scroll sideways take the keyboard focus (WCAG 2.1.1). */
(function () {
  "use strict";
  function mend(root) {
    root.querySelectorAll(".copy-to-clipboard > button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Copy to clipboard");
    });
    root.querySelectorAll(".parameters-col_description select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr");
      var name = row && row.querySelector(".parameter__name");
      if (name) { select.setAttribute("aria-label", name.textContent.replace("*", "").trim()); }
    });
    root.querySelectorAll(".microlight:not([tabindex]), .curl:not([tabindex])").forEach(function (block) {
      block.setAttribute("tabindex", "0");
    });
  }
  var target = document.getElementById("swagger-ui");
  if (!target) { return; }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mend(target); });
  }).observe(target, { childList: true, subtree: true });
  mend(target);
})();
