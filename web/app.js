// dossier's web UI: citation markers that open the cited sentence in place, copy buttons for
// indicators, and the incidents chart. Everything here reads text from the page's own escaped
// markup and writes it back as text (textContent), never as markup.
(function () {
  "use strict";

  // The cited sentence comes from the server as an escaped fragment; without script the marker
  // is a link to the source in the list.
  function openCitation(marker) {
    var next = marker.nextElementSibling;
    if (next && next.classList.contains("popover")) {
      next.remove();
      return;
    }
    var article = marker.closest("[data-incident]");
    var claim = marker.getAttribute("data-claim") || "";
    var ref = marker.getAttribute("data-ref");
    var box = document.createElement("span");
    box.className = "popover";
    box.setAttribute("role", "note");
    marker.insertAdjacentElement("afterend", box);
    var fallback = function () {
      var entry = document.getElementById("src-" + ref);
      box.textContent = entry ? entry.textContent : "";
    };
    if (!article) return fallback();
    var url = "/incidents/" + encodeURIComponent(article.getAttribute("data-incident")) + "/cite?claim=" +
      encodeURIComponent(claim) + "&ref=" + encodeURIComponent(ref);
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var quote = doc.querySelector("blockquote.evidence");
      if (!quote) return fallback();
      box.appendChild(document.importNode(quote, true));
    }).catch(fallback);
  }

  document.addEventListener("click", function (ev) {
    var marker = ev.target.closest ? ev.target.closest("a.cite") : null;
    if (marker) {
      ev.preventDefault();
      openCitation(marker);
      return;
    }
    var button = ev.target.closest ? ev.target.closest("button.copy") : null;
    if (button) {
      var code = button.closest("tr").querySelector("code.ioc");
      var value = code.getAttribute("data-" + button.getAttribute("data-copy"));
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = button.getAttribute("data-copy") === "refanged" ? "Copy refanged" : "Copy"; }, 1200); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).then(done, done);
      else done();
      code.setAttribute("data-copied", value);
    }
  });

  function drawChart() {
    var el = document.getElementById("chart");
    if (!el || typeof uPlot === "undefined") return;
    var data;
    try { data = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    if (!data.months || data.months.length === 0) return;
    var xs = data.months.map(function (m, i) { return i; });
    var palette = ["#0b5cad", "#cf222e", "#1a7f37", "#8250df", "#bc4c00"];
    var series = [{ label: "Month", value: function (u, v) { return v == null ? "" : data.months[v] || ""; } }];
    var columns = [xs];
    data.series.forEach(function (s, i) {
      series.push({ label: s.name, stroke: palette[i % palette.length], width: i === 0 ? 2 : 1.5 });
      columns.push(s.values);
    });
    var opts = {
      width: Math.min(el.clientWidth || 900, 1100), height: 220, series: series,
      axes: [{ values: function (u, ticks) { return ticks.map(function (t) { return data.months[t] || ""; }); } }, {}],
      scales: { x: { time: false } }
    };
    new uPlot(opts, columns, el);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawChart);
  else drawChart();
})();
