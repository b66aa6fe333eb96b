/* Draws each chart from the Vega-Lite spec the page carries (json_script, core/_chart.html), with the vendored
   vega-embed (core/_chart_scripts.html). */
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source || typeof vegaEmbed !== "function") { return; }
      var spec = JSON.parse(source.textContent);
      vegaEmbed(element, spec, { actions: false, renderer: "svg" }).catch(function (error) {
        element.textContent = element.getAttribute("aria-label") + " — " + error;
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
