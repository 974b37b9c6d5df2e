/* Territory maps: NIL coloured by minors (classes and colours from the server), Municipi as thick outlines,
   the focused area (area page) in bold, places as coloured dots. Configuration: #territory-map-config (JSON).
   Without a tiles URL the map is drawn on the plain container background (tests, offline demo). */
(function () {
  "use strict";
  var container = document.getElementById("territory-map");
  var configNode = document.getElementById("territory-map-config");
  if (!container || !configNode || typeof L === "undefined") { return; }
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels || {};

  var map = L.map(container, { zoomSnap: 0.25, scrollWheelZoom: false });
  map.setView([45.4642, 9.19], 11);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution || "", maxZoom: 19 }).addTo(map);
  }

  function colourFor(value) {
    if (value === null || value === undefined) { return "#ffffff"; }
    for (var i = 0; i < config.breaks.length; i++) {
      if (value <= config.breaks[i]) { return config.colours[i]; }
    }
    return config.colours[config.colours.length - 1] || "#ffffff";
  }

  // Leaflet inserts string content (popups, tooltips) with innerHTML. Names, addresses and kinds come from open
  // data, load_areas and the admin, so they never reach Leaflet as strings: every popup and tooltip is a DOM node
  // whose text is set with textContent (plain text, never parsed as HTML).
  function plain(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function text(tag, content, strong) {
    var node = document.createElement(tag);
    if (strong) { var b = document.createElement("strong"); b.textContent = plain(content); node.appendChild(b); }
    else { node.textContent = plain(content); }
    return node;
  }

  function tooltipFor(name) {
    return text("span", name);
  }

  function number(value) {
    return value === null || value === undefined ? (labels.noData || "–") : value.toLocaleString("it-IT");
  }

  function popupFor(props) {
    var box = document.createElement("div");
    box.appendChild(text("p", props.name, true));
    if (props.parent) { box.appendChild(text("p", props.parent)); }
    box.appendChild(text("p", (labels.residents || "") + ": " + number(props.residents)));
    var minors = (labels.minors || "") + ": " + number(props.minors);
    if (props.minors_share !== null && props.minors_share !== undefined) { minors += " (" + props.minors_share + "%)"; }
    box.appendChild(text("p", minors));
    var link = document.createElement("a");
    link.href = config.areaUrl.replace("__code__", encodeURIComponent(props.code));
    link.textContent = labels.open || "";
    box.appendChild(link);
    return box;
  }

  function placePopupFor(place) {
    var box = document.createElement("div");
    box.appendChild(text("p", place.name, true));
    box.appendChild(text("p", place.kind));
    if (place.address) { box.appendChild(text("p", place.address)); }
    return box;
  }

  function style(feature) {
    var p = feature.properties;
    if (p.code === config.focus) {
      return { color: "#17324d", weight: 3, fill: !(config.breaks.length), fillOpacity: 0.05 };
    }
    if (p.kind === "municipio" && !config.focus) {
      return { color: "#17324d", weight: 2.5, fill: false };
    }
    return { color: "#5c6f82", weight: 0.8, fillColor: colourFor(p.minors), fillOpacity: 0.75 };
  }

  fetch(config.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      // Fill layers first, outlines on top, so the Municipi borders stay visible.
      var fills = data.features.filter(function (f) { return !(f.properties.kind === "municipio" && !config.focus) && f.properties.code !== config.focus; });
      var outlines = data.features.filter(function (f) { return fills.indexOf(f) === -1; });
      var options = {
        style: style,
        onEachFeature: function (feature, layer) {
          if (feature.properties.code !== config.focus) { layer.bindPopup(popupFor(feature.properties)); }
          layer.bindTooltip(tooltipFor(feature.properties.name), { sticky: true });
        }
      };
      var fillLayer = L.geoJSON({ type: "FeatureCollection", features: fills }, options).addTo(map);
      var outlineLayer = L.geoJSON({ type: "FeatureCollection", features: outlines }, {
        style: style, interactive: false
      }).addTo(map);
      var bounds = outlineLayer.getBounds();
      if (!bounds.isValid()) { bounds = fillLayer.getBounds(); }
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
      drawPlaces();
    })
    .catch(function () { container.setAttribute("data-error", "1"); });

  function drawPlaces() {
    (config.places || []).forEach(function (place) {
      var marker = L.circleMarker([place.lat, place.lon], {
        radius: 6, color: "#ffffff", weight: 1.5, fillColor: place.colour, fillOpacity: 0.95
      }).addTo(map);
      marker.bindPopup(placePopupFor(place));
    });
  }
})();
