// The bar's menus (<details>) open and close without JavaScript; with it, opening one closes the others, and
// Escape or a click elsewhere closes them, as people expect of a menu.
(function () {
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.navmenu"));
  function closeAll(except) {
    menus.forEach(function (menu) { if (menu !== except) { menu.removeAttribute("open"); } });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) { closeAll(menu); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details.navmenu")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = menus.filter(function (menu) { return menu.open; });
    closeAll(null);
    if (open.length) { open[0].querySelector("summary").focus(); }
  });
})();
