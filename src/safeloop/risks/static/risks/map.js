/* Four-colour map: grouped data from the server, clustered coloured points, and the base
   layers the deployment configures (tiles, county boundaries), each with its attribution. */
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  if (!el || !window.L) { return; }
  var COLOURS = ["#8a96a3", "#2e86ab", "#f2c14e", "#f18f01", "#d7263d"];
  // maxZoom: the clusters need one even when no tile layer brings its own
  var map = L.map(el, { preferCanvas: true, maxZoom: 18 }).setView([38.45, 106.35], 9);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  fetch(el.dataset.boundariesUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      if (!geo.features || !geo.features.length) { return; }
      var layer = L.geoJSON(geo, {
        attribution: el.dataset.boundariesAttribution || "",
        style: { color: "#0b3d6e", weight: 1.5, fillColor: "#dfe7ee", fillOpacity: 0.35 },
        onEachFeature: function (f, l) { if (f.properties && f.properties.name) { l.bindTooltip(f.properties.name); } }
      }).addTo(map);
      layer.bringToBack();
      map.fitBounds(layer.getBounds());
    });

  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var top = 0;
      cluster.getAllChildMarkers().forEach(function (m) { if (m.options.level > top) { top = m.options.level; } });
      var n = cluster.getChildCount();
      var size = n < 100 ? 32 : n < 1000 ? 40 : 48;
      return L.divIcon({ html: "<span>" + n + "</span>", className: "cluster cluster-" + top, iconSize: [size, size] });
    }
  }).addTo(map);

  var data = null;
  var cardUrl = el.dataset.cardUrl;
  function openCard(marker) {
    fetch(cardUrl.replace(/0\/$/, marker.options.enterprise + "/"), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { marker.bindPopup(html).openPopup(); });
  }
  // The payload groups enterprises by [level, major hazard, sector index, [id, lat, lng, …]],
  // coordinates as integers × scale.
  function draw() {
    if (!data) { return; }
    var sectorIndex = data.sectors.indexOf(document.getElementById("map-sector").value);
    var markers = [];
    data.groups.forEach(function (group) {
      var level = group[0], mh = group[1], points = group[3];
      if (sectorIndex >= 0 && group[2] !== sectorIndex) { return; }
      for (var i = 0; i < points.length; i += 3) {
        var m = L.circleMarker([points[i + 1] / data.scale, points[i + 2] / data.scale], {
          radius: mh ? 8 : 6, weight: mh ? 3 : 1, color: "#1f2933",
          fillColor: COLOURS[level], fillOpacity: 0.9, level: level, enterprise: points[i]
        });
        m.on("click", onMarkerClick);
        markers.push(m);
      }
    });
    clusters.clearLayers();
    clusters.addLayers(markers);
    document.getElementById("map-count").textContent = markers.length + " " + el.dataset.countLabel;
  }
  function onMarkerClick(e) { openCard(e.target); }
  // Enterprises without coordinates are listed under the map, each linked to its edit page.
  var LEVEL_CLASSES = ["lv-", "lv-blue", "lv-yellow", "lv-orange", "lv-red"];
  function listMissing() {
    var box = document.getElementById("map-missing");
    if (!box || !data.missing_count) { return; }
    document.getElementById("map-missing-count").textContent = data.missing_count;
    var list = document.getElementById("map-missing-list");
    list.textContent = "";
    data.missing.forEach(function (row) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = el.dataset.editUrl.replace(/\/0\/edit\/$/, "/" + row[0] + "/edit/");
      a.textContent = row[1];
      var dot = document.createElement("span");
      dot.className = "lv " + LEVEL_CLASSES[row[2]];
      dot.textContent = " ";
      li.appendChild(dot);
      li.appendChild(a);
      list.appendChild(li);
    });
    document.getElementById("map-missing-more").hidden = data.missing.length >= data.missing_count;
    box.hidden = false;
    if (data.missing.some(function (row) { return row[2] >= 3; })) { box.open = true; }
  }
  fetch(el.dataset.dataUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (payload) { data = payload; draw(); listMissing(); });
  document.getElementById("map-sector").addEventListener("change", draw);

  // The emergency layer: the reader's resources (by kind) and open incidents, on demand.
  var emergency = L.layerGroup();
  var toggle = document.getElementById("map-emergency");
  var kindSelect = document.getElementById("map-emergency-kind");
  var kindsKnown = false;
  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  function loadEmergency() {
    var url = el.dataset.emergencyUrl + (kindSelect.value ? "?kind=" + encodeURIComponent(kindSelect.value) : "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        emergency.clearLayers();
        (geo.features || []).forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates;
          var incident = p.layer === "incident";
          if (!incident && !kindsKnown && kindSelect.querySelector("option[value='" + p.kind + "']") === null) {
            var option = document.createElement("option");
            option.value = p.kind;
            option.textContent = p.kind_label;
            kindSelect.appendChild(option);
          }
          var icon = L.divIcon({
            className: "em-icon " + (incident ? "em-incident" : "em-" + p.kind + (p.availability === "available" ? "" : " em-busy")),
            html: incident ? "!" : escapeHtml((p.kind_label || "").slice(0, 1)),
            iconSize: [22, 22]
          });
          L.marker([c[1], c[0]], { icon: icon, title: p.name })
            .bindPopup('<a href="' + encodeURI(p.url) + '">' + escapeHtml(p.name) + "</a>" +
              (incident ? "" : "<br>" + escapeHtml(p.kind_label || "")))
            .addTo(emergency);
        });
        if (!kindSelect.value) { kindsKnown = true; }
      });
  }
  toggle.addEventListener("change", function () {
    kindSelect.hidden = !toggle.checked;
    if (toggle.checked) { emergency.addTo(map); loadEmergency(); } else { map.removeLayer(emergency); }
  });
  kindSelect.addEventListener("change", loadEmergency);
})();
