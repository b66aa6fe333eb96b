/* Draws each chart from the Vega-Lite spec the page carries (json_script, core/_chart.html), with the vendored
   vega-embed (core/_chart_scripts.html).

   Under the pages' Content-Security-Policy (no 'unsafe-eval', no inline styles): `ast: true` makes Vega evaluate
   its expressions with the interpreter bundled in vega-embed instead of compiling them into code (eval), and
   the styles vega-embed and its tooltip would inject as <style> elements come from vendor/vega/vega-embed.css. */
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source || typeof vegaEmbed !== "function") { return; }
      var spec = JSON.parse(source.textContent);
      var options = {
        actions: false,
        renderer: "svg",
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      };
      // The element is the chart's image (role="img", named by the chart's title; the figure's table holds the
      // numbers): the drawn SVG is its picture, hidden from assistive technology, whose marks Vega labels only
      // in part. The element is focusable so that a chart wider than a phone can be scrolled by keyboard.
      vegaEmbed(element, spec, options).then(function () {
        var svg = element.querySelector("svg");
        if (svg) { svg.setAttribute("aria-hidden", "true"); }
      }).catch(function (error) {
        element.textContent = element.getAttribute("aria-label") + " — " + error;
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
