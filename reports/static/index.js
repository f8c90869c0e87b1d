/* Sortable article table for the run index. The page works without it: rows come worst first and
   the family and level filters are plain radio buttons styled by CSS. */
(function () {
  "use strict";
  var table = document.getElementById("articles");
  if (!table || !table.tHead) { return; }
  var tbody = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  var status = document.getElementById("sort-status");
  Array.prototype.forEach.call(headers, function (th, column) {
    var type = th.getAttribute("data-sort");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var current = th.getAttribute("aria-sort");
      var direction = current ? (current === "descending" ? "ascending" : "descending")
        : (type === "number" ? "descending" : "ascending");
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction);
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-value") || "";
        var y = b.cells[column].getAttribute("data-value") || "";
        var order = type === "number" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        return direction === "ascending" ? order : -order;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
      if (status) { status.textContent = "Sorted by " + button.textContent + ", " + direction + "."; }
    });
  });
}());
