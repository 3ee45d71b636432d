// Check-in list: filter the rows as staff type (the page works without this: the search box submits
// ?q= and the server filters). A search that widens the server's own filter goes to the server.
(function () {
  var box = document.querySelector("[data-checkin-filter]");
  if (!box) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var none = document.querySelector("[data-checkin-none]");
  var served = (box.getAttribute("data-server-q") || "").toLowerCase();
  box.addEventListener("input", function () {
    var text = box.value.trim().toLowerCase();
    if (served && text.indexOf(served) === -1) return;  // wider than what the server sent: press Find
    var words = text.split(/\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute("data-search");
      var match = words.every(function (word) { return hay.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (none) none.hidden = shown > 0;
    document.querySelectorAll("[data-checkin-q]").forEach(function (input) { input.value = box.value.trim(); });
  });
})();
