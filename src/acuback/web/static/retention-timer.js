// Retention timer for the charting page (progressive enhancement: without JavaScript the
// retention fields are plain number inputs). Each needle set gets a timer: "Needles in"
// starts it, it counts down to the planned retention and alerts when due, "Needles out" stops
// it and writes the minutes the set stayed in into the session's retention field (the longest
// set when there are several). Served from /static: the Content-Security-Policy forbids inline
// script.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(seconds) {
    var s = Math.max(0, Math.round(Math.abs(seconds)));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  function fillRetention(box) {
    var field = document.getElementById(box.getAttribute("data-field"));
    var longest = 0;
    box.querySelectorAll(".needle-set").forEach(function (set) {
      var minutes = Number(set.getAttribute("data-minutes") || "0");
      if (minutes > longest) { longest = minutes; }
    });
    if (field && longest > 0) {
      field.value = String(longest);
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function startSet(box, set) {
    var planned = Number(box.getAttribute("data-planned")) || 20;
    var left = set.querySelector("[data-timer=left]");
    var started = Date.now();
    set.setAttribute("data-state", "running");
    set.querySelector("[data-timer=start]").disabled = true;
    set.querySelector("[data-timer=stop]").disabled = false;
    function tick() {
      var elapsed = (Date.now() - started) / 1000;
      var remaining = planned * 60 - elapsed;
      if (remaining > 0) {
        left.textContent = clock(remaining) + " left of " + planned + " min";
      } else {
        if (set.getAttribute("data-state") !== "due") {
          set.setAttribute("data-state", "due");
          left.setAttribute("role", "alert");
        }
        left.textContent = "Retention reached " + clock(-remaining) + " ago: take the needles out";
      }
    }
    tick();
    var timer = window.setInterval(tick, 1000);
    set.querySelector("[data-timer=stop]").addEventListener("click", function () {
      window.clearInterval(timer);
      var minutes = Math.max(1, Math.round((Date.now() - started) / 60000));
      set.setAttribute("data-state", "stopped");
      set.setAttribute("data-minutes", String(minutes));
      set.querySelector("[data-timer=stop]").disabled = true;
      left.removeAttribute("role");
      left.textContent = "Needles out after " + minutes + " min";
      fillRetention(box);
    }, { once: true });
  }

  function addSet(box) {
    var template = box.querySelector("template");
    var set = template.content.firstElementChild.cloneNode(true);
    var count = box.querySelectorAll(".needle-set").length + 1;
    set.querySelector("[data-timer=name]").textContent = "Needle set " + count;
    box.querySelector(".needle-sets").appendChild(set);
    set.querySelector("[data-timer=start]").addEventListener("click", function () {
      startSet(box, set);
    }, { once: true });
  }

  document.querySelectorAll(".retention-timer").forEach(function (box) {
    box.hidden = false;
    addSet(box);
    box.querySelector("[data-timer=add]").addEventListener("click", function () { addSet(box); });
  });
})();
