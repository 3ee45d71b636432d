/* The calculators update as the member types: the form's values go to its JSON endpoint
   (data-tools-endpoint) and the answer fills the result's [data-out] places; field problems appear
   under the fields. Without this script the same form is a plain GET form (portal/tools/pages.py). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-tools-endpoint]");
  if (!form || !window.fetch) { return; }
  var endpoint = form.getAttribute("data-tools-endpoint");
  var result = document.getElementById("tools-result");
  var save = document.querySelector("[data-tools-save]");
  var timer = null;
  var latest = 0;

  function field(name) {  /* namedItem: form.elements.length is the count, not the field called "length" */
    return form.elements.namedItem(name);
  }

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) { return value == null ? value : value[key]; }, data);
  }

  function text(el, value) {
    if (value === null || value === undefined) { return el.getAttribute("data-none") || "—"; }
    if (value === true) { return el.getAttribute("data-yes"); }
    if (value === false) { return el.getAttribute("data-no"); }
    if (el.hasAttribute("data-template")) { return el.getAttribute("data-template").replace("#", value); }
    if (typeof value === "string" && el.hasAttribute("data-" + value)) { return el.getAttribute("data-" + value); }
    return String(value);
  }

  function fill(data) {
    result.hidden = false;
    result.classList.remove("p-tools-stale");
    result.querySelectorAll("[data-out]").forEach(function (el) {
      el.textContent = text(el, pick(data, el.getAttribute("data-out")));
    });
    result.querySelectorAll("[data-out-list]").forEach(function (list) {
      list.textContent = "";
      (pick(data, list.getAttribute("data-out-list")) || []).forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
    });
    if (save) { save.hidden = false; }
  }

  function problems(errors) {
    form.querySelectorAll("[data-live-error]").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".p-field--error").forEach(function (el) { el.classList.remove("p-field--error"); });
    document.querySelectorAll(".p-error").forEach(function (el) { el.hidden = true; });
    Object.keys(errors).forEach(function (name) {
      var input = field(name);
      if (!input) { return; }
      var box = input.closest(".p-field") || input.parentNode;
      var line = document.createElement("p");
      line.className = "p-error";
      line.setAttribute("data-live-error", "");
      line.textContent = errors[name];
      input.setAttribute("aria-invalid", "true");
      box.classList.add("p-field--error");
      box.appendChild(line);
    });
  }

  function mirror() {
    document.querySelectorAll("[data-mirror]").forEach(function (copy) {
      var source = field(copy.getAttribute("data-mirror"));
      if (source) { copy.value = source.value; }
    });
  }

  function update() {
    mirror();
    var mine = ++latest;
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch(endpoint + "?" + query, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) { return {status: response.status, data: data}; });
      })
      .then(function (answer) {
        if (mine !== latest) { return; }  /* an older answer arriving late */
        if (answer.status === 400) {
          problems(answer.data.errors || {});
          result.classList.add("p-tools-stale");
          if (save) { save.hidden = true; }
        } else if (answer.status === 200) {
          problems({});
          fill(answer.data);
        }
      })
      .catch(function () { /* offline or signed out: the Calculate button still works */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", function (event) {
    var room = event.target;
    if (room.name === "room" && room.selectedOptions.length && room.selectedOptions[0].getAttribute("data-lux")) {
      field("lux").value = room.selectedOptions[0].getAttribute("data-lux");
      field("workplane").value = room.selectedOptions[0].getAttribute("data-workplane");
    }
    soon();
  });
}());
