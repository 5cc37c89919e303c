// The live queue: listens to /console/live (server-sent events, the session cookie is the
// credential) and, for each case that changed, fetches its row as the server renders it, so
// that the template stays the one place a row is drawn. Without this script, or without
// EventSource (old browsers), the queue is the same page and a reload brings it up to date.
(function () {
  "use strict";
  var queue = document.getElementById("live-queue");
  if (!queue || !window.EventSource || !window.fetch) {
    return;
  }
  var table = queue.querySelector(".table-wrap");
  var body = queue.querySelector("tbody");
  // A first page (filtered or not) takes a case it does not show when the server says the case
  // now belongs on it, by the page's own filter and order; a later page only updates its rows,
  // and a reload lists the rest.
  var inserts = queue.hasAttribute("data-inserts");

  function place(caseId) {
    var belongs = false;
    var url = "/console/cases/" + caseId + "/row" + window.location.search;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        belongs = response.headers.get("X-Queue-Belongs") === "1";
        // A case the actor may no longer see answers 404: it simply stays as it was.
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        var row = holder.querySelector("tr[data-case-id]");
        if (!row) {
          return;
        }
        row.classList.add("new");
        var shown = body.querySelector("tr[data-case-id='" + caseId + "']");
        if (shown) {
          body.replaceChild(row, shown);
        } else if (inserts && belongs) {
          body.insertBefore(row, body.firstElementChild);
          table.hidden = false;
          var empty = document.getElementById("queue-empty");
          if (empty) {
            empty.hidden = true;
          }
        }
      })
      .catch(function () {
        // The network failed: the next change or a reload shows the row.
      });
  }

  var source = new EventSource(queue.getAttribute("data-live"));
  // Says the queue is live from here on: what a reader (or a test) waits for before trusting
  // that a change made now will show.
  source.addEventListener("open", function () {
    queue.setAttribute("data-listening", "");
  });
  source.addEventListener("error", function () {
    queue.removeAttribute("data-listening");
  });
  source.addEventListener("case", function (event) {
    var change = JSON.parse(event.data);
    place(change.case_id);
  });
  // Fallen behind, some changes were never heard: only a reload shows them all.
  source.addEventListener("lagged", function () {
    source.close();
    window.location.reload();
  });
})();
