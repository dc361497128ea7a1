/* Progressive enhancement for the application form (the form works without it):
   - a text box that filters the municipality list by name or number;
   - the "other organisation" field shown only when "Another organisation" is chosen;
   - focus on the error summary after a failed submission (the summary's autofocus
     does it without JavaScript; this covers a browser that ignores it).
   The words come from the page: data-kk-filter-label, data-kk-filter-hint (replaces
   the select's own hint, which describes the list without the search box) and
   data-kk-filter-status ("{shown} av 357 kommunar"), rendered by the server in the
   page's language. */
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhanceSelect(select) {
    var field = select.closest(".kk-field");
    if (!field || field.querySelector(".kk-filter")) return;
    var wrapper = document.createElement("div");
    wrapper.className = "kk-filter";
    var label = document.createElement("label");
    label.className = "kk-label";
    label.htmlFor = select.id + "_filter";
    label.textContent = select.getAttribute("data-kk-filter-label") || "Søk (namn eller nummer)";
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "_filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "kk-filter__status";
    status.setAttribute("aria-live", "polite");
    status.id = select.id + "_filter_status";
    var hint = document.getElementById(select.id + "_hint");
    var hintText = select.getAttribute("data-kk-filter-hint");
    if (hint && hintText) hint.textContent = hintText;
    input.setAttribute("aria-describedby", (hint ? hint.id + " " : "") + status.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    var options = Array.prototype.slice.call(select.querySelectorAll("option"));
    var index = options.map(function (o) { return normalise(o.textContent); });
    var statusText = select.getAttribute("data-kk-filter-status") || "{shown} / " + (options.length - 2);
    input.addEventListener("input", function () {
      var query = normalise(input.value.trim());
      var shown = 0;
      options.forEach(function (option, i) {
        var keep = !query || !option.value || option.value === "other" || index[i].indexOf(query) !== -1;
        option.hidden = !keep;
        option.disabled = !keep && !option.selected;
        if (keep && option.value && option.value !== "other") shown += 1;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      status.textContent = query ? statusText.replace("{shown}", String(shown)) : "";
      if (shown === 1) {
        var match = options.filter(function (o) { return !o.hidden && o.value && o.value !== "other"; })[0];
        select.value = match.value;
        select.dispatchEvent(new Event("change"));
      }
    });
  }

  function toggleOther(select) {
    var other = document.querySelector("[data-kk-other-organisation]");
    if (!other) return;
    var input = other.querySelector("input");
    function update() {
      var show = select.value === "other" || (input && input.value);
      other.classList.toggle("kk-js-hidden", !show);
    }
    select.addEventListener("change", update);
    update();
  }

  function init() {
    var select = document.querySelector("select[data-kk-filter]");
    if (select) {
      enhanceSelect(select);
      toggleOther(select);
    }
    var summary = document.getElementById("kk-error-summary");
    if (summary && document.activeElement !== summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
