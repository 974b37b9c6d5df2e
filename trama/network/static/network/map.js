/* Trama: small Leaflet maps of networks and organisations. Data comes from a json_script block named by the
   map's data-source; tiles only when data-tiles is set (tests and offline demos draw on a plain background). */
(function () {
  "use strict";

  function escapeHtml(value) {
    var div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent) || {};
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tiles) });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    // Bounds come from the data, not from the layers: circle markers only know theirs once the map has a view.
    var bounds = L.latLngBounds([]);
    var area = null;
    if (data.area) {
      area = L.geoJSON(data.area, { style: { color: "#0066cc", weight: 2, fillOpacity: 0.08 } });
      bounds.extend(area.getBounds());
    }
    var points = data.points || [];
    points.forEach(function (point) { bounds.extend([point.lat, point.lon]); });
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.1), { maxZoom: 16 });
    } else {
      map.setView([45.4642, 9.19], 11);
    }
    if (area) { area.addTo(map); }
    points.forEach(function (point) {
      var popup = "<strong>" + escapeHtml(point.title) + "</strong><br>" +
        (point.label ? escapeHtml(point.label) + ": " : "") + escapeHtml(point.text);
      L.circleMarker([point.lat, point.lon], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: "#d1344c", fillOpacity: 0.9
      }).bindPopup(popup).addTo(map);
    });
  }

  document.querySelectorAll("[data-trama-map]").forEach(draw);
})();
