/* Directory search map: clustered markers of the services found, redrawn after every htmx swap of the results.
   Data: #search-map-config (tiles, labels) on the page and #search-markers ({markers, origin}) in the results
   partial. Without a tiles URL the map is drawn on the plain container background (tests, offline demo). */
(function () {
  "use strict";
  var container = document.getElementById("search-map");
  var configNode = document.getElementById("search-map-config");
  if (!container || !configNode || typeof L === "undefined") { return; }
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels || {};

  // markercluster needs the map's maxZoom even when no tile layer defines one.
  var map = L.map(container, { scrollWheelZoom: false, maxZoom: 19 });
  map.setView([45.4642, 9.19], 11);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var clusters = typeof L.markerClusterGroup === "function"
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
    : L.layerGroup();
  clusters.addTo(map);
  var originLayer = L.layerGroup().addTo(map);

  // Leaflet inserts string popups with innerHTML. Service, place and address names are typed by users, so they
  // never reach Leaflet as strings: every popup is a DOM node whose text is set with textContent.
  function plain(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function text(tag, content, strong) {
    var node = document.createElement(tag);
    if (strong) { var b = document.createElement("strong"); b.textContent = plain(content); node.appendChild(b); }
    else { node.textContent = plain(content); }
    return node;
  }

  function popupFor(marker) {
    var box = document.createElement("div");
    box.appendChild(text("p", marker.service, true));
    box.appendChild(text("p", marker.location));
    if (marker.address) { box.appendChild(text("p", marker.address)); }
    if (typeof marker.km === "number") {
      box.appendChild(text("p", (labels.distance || "") + ": " + marker.km.toLocaleString(document.documentElement.lang || "it") + " km"));
    }
    return box;
  }

  function redraw() {
    var node = document.getElementById("search-markers");
    var data = node ? JSON.parse(node.textContent) : {};
    var points = [];
    clusters.clearLayers();
    originLayer.clearLayers();
    (data.markers || []).forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { title: plain(m.service) });
      marker.bindPopup(popupFor(m));
      clusters.addLayer(marker);
      points.push([m.lat, m.lon]);
    });
    if (data.origin) {
      var origin = L.circleMarker([data.origin.lat, data.origin.lon], {
        radius: 8, color: "#ffffff", weight: 2, fillColor: "#a61d24", fillOpacity: 1
      });
      origin.bindTooltip(text("span", (labels.origin || "") + ": " + plain(data.origin.label)));
      originLayer.addLayer(origin);
      points.push([data.origin.lat, data.origin.lon]);
    }
    if (points.length === 1) { map.setView(points[0], 15); }
    else if (points.length > 1) { map.fitBounds(L.latLngBounds(points), { padding: [16, 16], maxZoom: 16 }); }
  }

  redraw();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "search-results") { redraw(); }
  });
  document.body.addEventListener("htmx:historyRestore", redraw);
})();
