/* The answering page's small helper (no framework, nothing fetched from elsewhere).
 *
 * - keeps the answers in this browser's localStorage while answering (key: link + questionnaire version), so a
 *   dropped connection or a closed tab loses nothing; the confirmation page removes them;
 * - keeps the same submission id across retries, so the server stores a response once;
 * - shows a conditional question only when the earlier answer matches;
 * - shows progress, limits "up to N" choices, and stops a double tap.
 *
 * The form works without it: the server checks everything again and is the authority.
 */
(function () {
  "use strict";

  function storageAvailable() {
    try {
      var probe = "__shokuba_probe__";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return true;
    } catch (e) {
      return false;
    }
  }
  var canStore = storageAvailable();

  // The confirmation page: the response is stored, forget the answers kept in this browser.
  var confirmation = document.querySelector("[data-clear-key]");
  if (confirmation && canStore) {
    window.localStorage.removeItem(confirmation.getAttribute("data-clear-key"));
  }

  var form = document.getElementById("survey-form");
  if (!form) {
    return;
  }
  var key = form.getAttribute("data-storage-key");
  var preview = form.hasAttribute("data-preview");
  // The page's words, in the page's language (?lang=en), with Japanese if an attribute is missing.
  function text(name, fallback) {
    return form.getAttribute("data-text-" + name) || fallback;
  }

  function collect() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "submission_id" || el.disabled) {
        return;
      }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      }
      if (el.value === "") {
        return;
      }
      (values[el.name] = values[el.name] || []).push(el.value);
    });
    return values;
  }

  function valuesOf(name) {
    var found = [];
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      }
      if (el.value !== "") {
        found.push(el.value);
      }
    });
    return found;
  }

  function restore(values) {
    Object.keys(values).forEach(function (name) {
      var wanted = values[name];
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = wanted.indexOf(el.value) !== -1;
        } else {
          el.value = wanted[0] || "";
        }
      });
    });
  }

  function load() {
    if (!canStore || !key) {
      return null;
    }
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  var sidInput = form.querySelector('input[name="submission_id"]');
  function save() {
    if (!canStore || !key || preview) {
      return;
    }
    try {
      window.localStorage.setItem(key, JSON.stringify({ sid: sidInput.value, values: collect() }));
    } catch (e) {
      /* storage full or refused: answering still works, only the safety net is missing */
    }
  }

  // Conditional questions: hidden (and their inputs disabled, so they are not sent) until the condition holds.
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  function applyConditions() {
    conditional.forEach(function (block) {
      var rule = JSON.parse(block.getAttribute("data-show-if"));
      var chosen = valuesOf(rule.name);
      var shown = chosen.some(function (v) {
        return rule.any_of.indexOf(v) !== -1;
      });
      block.hidden = !shown;
      Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = !shown;
      });
      var note = block.querySelector(".condition");
      if (note) {
        note.hidden = true; // the question appears only when it applies, so the note is not needed
      }
    });
  }

  // "Up to N": once N boxes are ticked, the others are disabled until one is unticked.
  function applyLimits() {
    Array.prototype.forEach.call(form.querySelectorAll(".options[data-max]"), function (group) {
      var max = parseInt(group.getAttribute("data-max"), 10);
      var boxes = group.querySelectorAll('input[type="checkbox"]');
      var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      Array.prototype.forEach.call(boxes, function (b) {
        if (!b.closest("[data-show-if]") || !b.closest("[data-show-if]").hidden) {
          b.disabled = !b.checked && ticked >= max;
        }
      });
    });
  }

  var progress = form.querySelector("[data-progress]");
  function applyProgress() {
    if (!progress) {
      return;
    }
    var blocks = form.querySelectorAll(".question[data-question]:not([data-attribute])");
    var total = 0;
    var answered = 0;
    Array.prototype.forEach.call(blocks, function (block) {
      if (block.hidden) {
        return;
      }
      total += 1;
      var filled = Array.prototype.some.call(block.querySelectorAll("input, select, textarea"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          return el.checked;
        }
        return el.value.trim() !== "";
      });
      var rows = block.querySelectorAll(".matrix-row");
      if (rows.length) {
        filled = Array.prototype.every.call(rows, function (row) {
          return row.querySelector("input:checked") !== null;
        });
      }
      if (filled) {
        answered += 1;
      }
    });
    var percent = total ? Math.round((100 * answered) / total) : 0;
    progress.hidden = false;
    progress.querySelector(".progress-bar").value = percent;
    progress.querySelector(".progress-text").textContent = text("progress", "全{total}問中 {answered}問に回答しました")
      .replace("{total}", total)
      .replace("{answered}", answered);
  }

  // The progress bar sticks to the top of the window. The page keeps the bar's height free above whatever it
  // scrolls into view (scroll-padding-top, set through the CSSOM, which the Content-Security-Policy allows), so an
  // option reached with Shift+Tab or scrolled to is never hidden under the bar (WCAG 2.2 SC 2.4.11).
  if (progress && "ResizeObserver" in window) {
    new ResizeObserver(function () {
      var height = progress.hidden ? 0 : progress.getBoundingClientRect().height;
      document.documentElement.style.scrollPaddingTop = height ? Math.ceil(height) + 8 + "px" : "";
    }).observe(progress);
  }

  function refresh() {
    applyConditions();
    applyLimits();
    applyProgress();
  }

  var stored = load();
  if (stored) {
    if (stored.sid) {
      sidInput.value = stored.sid; // a retry keeps its submission id, so it is stored once
    }
    if (form.hasAttribute("data-fresh") && stored.values) {
      restore(stored.values);
    }
  }
  refresh();
  save();

  // Saved on every change (localStorage is synchronous and small here), and once more when the page goes away.
  function changed() {
    refresh();
    save();
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  window.addEventListener("pagehide", save);

  var clear = form.querySelector("[data-clear]");
  if (clear && canStore) {
    clear.hidden = false;
    clear.addEventListener("click", function () {
      if (!window.confirm(text("clear", "入力した内容をすべて消去しますか。"))) {
        return;
      }
      window.localStorage.removeItem(key);
      window.location.reload();
    });
  }

  form.addEventListener("submit", function (event) {
    if (preview) {
      event.preventDefault();
      return;
    }
    save();
    var button = form.querySelector(".submit-button");
    if (button) {
      if (button.getAttribute("aria-disabled") === "true") {
        event.preventDefault(); // a double tap: the first submission is on its way
        return;
      }
      button.setAttribute("aria-disabled", "true");
      button.textContent = text("sending", "送信しています…");
    }
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
