/* Four-colour map: columnar data from the server, clustered coloured points, county
   boundaries as the offline base layer, a tile layer only when one is configured. */
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  if (!el || !window.L) { return; }
  var COLOURS = ["#8a96a3", "#2e86ab", "#f2c14e", "#f18f01", "#d7263d"];
  var map = L.map(el, { preferCanvas: true, maxZoom: 18 }).setView([38.45, 106.35], 9);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  fetch(el.dataset.boundariesUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      var layer = L.geoJSON(geo, {
        style: { color: "#0b3d6e", weight: 1.5, fillColor: "#dfe7ee", fillOpacity: 0.35 },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
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
  function draw() {
    if (!data) { return; }
    var sector = document.getElementById("map-sector").value;
    var sectorIndex = -2;
    data.sectors.forEach(function (s, i) { if (s[0] === sector) { sectorIndex = i; } });
    var markers = [];
    for (var i = 0; i < data.id.length; i++) {
      if (sector && data.sector[i] !== sectorIndex) { continue; }
      var level = data.level[i];
      var m = L.circleMarker([data.lat[i], data.lng[i]], {
        radius: data.mh[i] ? 8 : 6, weight: data.mh[i] ? 3 : 1, color: "#1f2933",
        fillColor: COLOURS[level], fillOpacity: 0.9, level: level, enterprise: data.id[i]
      });
      m.on("click", function (e) { openCard(e.target); });
      markers.push(m);
    }
    clusters.clearLayers();
    clusters.addLayers(markers);
    document.getElementById("map-count").textContent = markers.length + " " + el.dataset.countLabel;
  }
  fetch(el.dataset.dataUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (payload) { data = payload; draw(); });
  document.getElementById("map-sector").addEventListener("change", draw);
})();
