/* The portal's map: the places of the services listed, redrawn after every htmx swap of the results so the
   list and the map always show the same search. Data: #portal-map-config (tiles, labels) on the page and
   #portal-markers ({markers, origin}) next to the results. Without JavaScript the map stays hidden and the
   plain form and list work alone. Without a tiles URL the map is drawn on a plain background (tests, offline). */
(function () {
  "use strict";

  // After an htmx search the address bar changes: the language switcher must come back to the same search.
  function syncLanguageNext() {
    var next = document.querySelector("#portal-languages input[name=next]");
    if (next) { next.value = window.location.pathname + window.location.search; }
  }
  document.body.addEventListener("htmx:pushedIntoHistory", syncLanguageNext);
  document.body.addEventListener("htmx:historyRestore", syncLanguageNext);

  var container = document.getElementById("portal-map");
  var configNode = document.getElementById("portal-map-config");
  if (!container || !configNode || typeof L === "undefined") { return; }
  container.hidden = false;
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels || {};

  var map = L.map(container, { scrollWheelZoom: false, maxZoom: 19 });
  map.setView([45.4642, 9.19], 11);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var group = typeof L.markerClusterGroup === "function"
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
    : L.layerGroup();
  group.addTo(map);
  var originLayer = L.layerGroup().addTo(map);

  // Names and addresses are typed by people: they reach Leaflet as DOM nodes filled with textContent, never
  // as HTML strings.
  function plain(value) { return value === null || value === undefined ? "" : String(value); }

  function line(tag, content) {
    var node = document.createElement(tag);
    node.textContent = plain(content);
    return node;
  }

  function popupFor(m) {
    var box = document.createElement("div");
    box.className = "portal-popup";
    if (m.service) {
      var title = document.createElement("p");
      var strong = document.createElement("strong");
      if (m.url) {
        var link = document.createElement("a");
        link.href = m.url;
        link.textContent = plain(m.service);
        strong.appendChild(link);
      } else {
        strong.textContent = plain(m.service);
      }
      title.appendChild(strong);
      box.appendChild(title);
    }
    box.appendChild(line("p", m.place));
    if (m.address) { box.appendChild(line("p", m.address)); }
    return box;
  }

  function redraw() {
    var node = document.getElementById("portal-markers");
    var data = node ? JSON.parse(node.textContent) : {};
    var points = [];
    group.clearLayers();
    originLayer.clearLayers();
    (data.markers || []).forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { title: plain(m.service || m.place), alt: plain(m.service || m.place) });
      marker.bindPopup(popupFor(m));
      group.addLayer(marker);
      points.push([m.lat, m.lon]);
    });
    if (data.origin) {
      var origin = L.circleMarker([data.origin.lat, data.origin.lon], {
        radius: 8, color: "#ffffff", weight: 2, fillColor: "#a61d24", fillOpacity: 1
      });
      origin.bindTooltip(line("span", (labels.origin || "") + ": " + plain(data.origin.label)));
      originLayer.addLayer(origin);
      points.push([data.origin.lat, data.origin.lon]);
    }
    if (points.length === 1) { map.setView(points[0], 15); }
    else if (points.length > 1) { map.fitBounds(L.latLngBounds(points), { padding: [16, 16], maxZoom: 16 }); }
  }

  redraw();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "portal-results") { redraw(); }
  });
  document.body.addEventListener("htmx:historyRestore", redraw);
})();
