/* Partner Club: swap the header's sign-in link for the member's name and club menu when the portal says so.
   No portal (plain static hosting) or any error: the link stays, nothing else changes. */
(function () {
  "use strict";
  var box = document.querySelector("[data-club-account]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-club-status");
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      var type = r.headers.get("content-type") || "";
      return r.ok && type.indexOf("application/json") === 0 ? r.json() : null;
    })
    .then(function (status) {
      if (!status || !status.signed_in) return;
      box.textContent = "";
      box.appendChild(status.menu && status.sign_out ? menu(status, new URL(url, location.href)) : nameLink(status));
      box.setAttribute("data-club-level", status.level || "");
    })
    .catch(function () { /* keep the sign-in link */ });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function nameLink(status) {
    var link = el("a", "club-account__link club-account__name", status.name || status.display_name || "");
    link.href = status.account_url || "/account/";
    link.title = status.level_label || "";
    return link;
  }

  /* The member's club menu, as the portal's pages have it (themes/portal/templates/_shell_account.html). */
  function menu(status, portal) {
    var box = el("details", "club-menu__box");
    var name = el("summary", "club-account__link club-account__name", status.name || "");
    name.title = status.level_label || "";
    var list = el("ul", "club-menu__list");
    status.menu.forEach(function (item) {
      var link = el("a", "", item.label);
      link.href = new URL(item.url, portal).href;
      list.appendChild(el("li")).appendChild(link);
    });
    var form = el("form");
    form.method = "post";
    form.action = new URL(status.sign_out.url, portal).href;
    var token = el("input");
    token.type = "hidden";
    token.name = "csrf";
    token.value = status.sign_out.csrf;
    var button = el("button", "club-menu__signout", status.sign_out.label);
    button.type = "submit";
    form.appendChild(token);
    form.appendChild(button);
    list.appendChild(el("li")).appendChild(form);
    box.appendChild(name);
    box.appendChild(list);
    return box;
  }
})();

/* Event pages: the live seat count from the portal beside the "Register" link.
   No portal, an error or no limit on seats: the link stays as it is. */
(function () {
  "use strict";
  var box = document.querySelector("[data-club-register]");
  if (!box || !window.fetch) return;
  var seats = box.querySelector("[data-club-seats]");
  fetch(box.getAttribute("data-club-register"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      var type = r.headers.get("content-type") || "";
      return r.ok && type.indexOf("application/json") === 0 ? r.json() : null;
    })
    .then(function (status) {
      if (!status || !seats || typeof status.seats_left !== "number") return;
      seats.textContent = status.seats_left > 0
        ? box.getAttribute("data-club-seats-left").replace("{n}", String(status.seats_left))
        : box.getAttribute("data-club-full");
      seats.hidden = false;
    })
    .catch(function () { /* keep the plain link */ });
})();

/* Wide tables scroll sideways inside Material's wrapper (added by its script): keyboard users must reach
   it and screen readers should hear what it is (axe scrollable-region-focusable; issue 18). */
(function () {
  "use strict";
  var label = document.documentElement.lang === "en" ? "Table" : "Таблица";
  function mark() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].setAttribute("tabindex", "0");
      boxes[i].setAttribute("role", "region");
      boxes[i].setAttribute("aria-label", label);
    }
  }
  mark();
  if (window.MutationObserver) {
    new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
  }
})();

/* The member's club menu (a <details> in the header, site and portal pages alike) closes on a click
   elsewhere and on Escape, as menus do. */
(function () {
  "use strict";
  function close(except) {
    var open = document.querySelectorAll(".club-menu__box[open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) open[i].removeAttribute("open");
    }
  }
  document.addEventListener("click", function (event) {
    close(event.target.closest ? event.target.closest(".club-menu__box") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var box = document.querySelector(".club-menu__box[open]");
    if (!box) return;
    box.removeAttribute("open");
    box.querySelector("summary").focus();
  });
})();
