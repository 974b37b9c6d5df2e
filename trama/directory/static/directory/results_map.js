/* The map next to a list of services (staff search, portal search, a portal service's page), shared by both.

   Every element with data-results-map becomes a Leaflet map:
     data-config   id of a json_script: {tilesUrl, tilesAttribution, labels: {origin, distance}}
     data-state    id of a json_script next to the list: {url, origin} (the map data is fetched from url once the
                   list is shown) or {markers, origin} (drawn as they are: a service's few places)
     data-results  id of the element htmx swaps with new results: the map follows them (afterSwap)
   The data URL answers {kind: "points", markers} or, for many places, {kind: "areas", areas: [{lat, lon, count,
   name}]}: one bubble per neighbourhood. Then, as the reader zooms or pans, the map asks again for the visible box
   (bbox=west,south,east,north) and gets the places themselves once they are few enough.
   Without JavaScript the list works alone. Without a tiles URL the map is drawn on a plain background (tests,
   offline demos). Names and addresses are typed by people: they reach Leaflet as DOM nodes filled with
   textContent, never as HTML strings. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function plain(value) { return value === null || value === undefined ? "" : String(value); }

  function line(tag, content) {
    var node = document.createElement(tag);
    node.textContent = plain(content);
    return node;
  }

  function json(id) {
    var node = id ? document.getElementById(id) : null;
    return node ? JSON.parse(node.textContent) : null;
  }

  function popupFor(m, labels) {
    var box = document.createElement("div");
    box.className = "results-map-popup";
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
    if (m.place) { box.appendChild(line("p", m.place)); }
    if (m.address) { box.appendChild(line("p", m.address)); }
    if (typeof m.km === "number") {
      var lang = document.documentElement.lang || "it";
      box.appendChild(line("p", (labels.distance || "") + ": " + m.km.toLocaleString(lang) + " km"));
    }
    return box;
  }

  function areaIcon(count) {
    var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
    var inner = document.createElement("div");
    inner.appendChild(line("span", count));
    return L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }

  function withBox(url, bounds) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + encodeURIComponent(bounds.toBBoxString());
  }

  function setUp(container) {
    var config = json(container.getAttribute("data-config")) || {};
    var labels = config.labels || {};
    container.hidden = false;

    // markercluster needs the map's maxZoom even when no tile layer defines one.
    var map = L.map(container, { scrollWheelZoom: false, maxZoom: 19 });
    map.setView([45.4642, 9.19], 11);
    if (config.tilesUrl) {
      L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var places = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
      : L.layerGroup();
    places.addTo(map);
    var areas = L.layerGroup().addTo(map);
    var originLayer = L.layerGroup().addTo(map);

    var url = null;        // the data URL of the results shown
    var byBox = false;     // the whole result set came as areas (or cut): ask again for each view
    var ticket = 0;        // only the answer to the latest request is drawn
    var moving = false;    // our own fitBounds/setView: not a reader's move
    var timer = null;

    function move(action) {
      moving = true;
      try { action(); } finally { moving = false; }
    }

    function drawOrigin(origin) {
      originLayer.clearLayers();
      if (!origin) { return null; }
      var dot = L.circleMarker([origin.lat, origin.lon], {
        radius: 8, color: "#ffffff", weight: 2, fillColor: "#a61d24", fillOpacity: 1
      });
      dot.bindTooltip(line("span", (labels.origin || "") + ": " + plain(origin.label)));
      originLayer.addLayer(dot);
      return [origin.lat, origin.lon];
    }

    function draw(data, origin, fit) {
      var points = [];
      places.clearLayers();
      areas.clearLayers();
      (data.markers || []).forEach(function (m) {
        var title = plain(m.service || m.place);
        var marker = L.marker([m.lat, m.lon], { title: title, alt: title });
        marker.bindPopup(popupFor(m, labels));
        places.addLayer(marker);
        points.push([m.lat, m.lon]);
      });
      (data.areas || []).forEach(function (a) {
        var title = (a.name ? a.name + ": " : "") + a.count;
        var bubble = L.marker([a.lat, a.lon], { icon: areaIcon(a.count), title: title, alt: title, riseOnHover: true });
        bubble.on("click", function () { map.setView([a.lat, a.lon], Math.min(map.getZoom() + 2, 17)); });
        areas.addLayer(bubble);
        points.push([a.lat, a.lon]);
      });
      var here = drawOrigin(origin || data.origin);
      if (here) { points.push(here); }
      if (!fit) { return; }
      move(function () {
        if (points.length === 1) { map.setView(points[0], 15, { animate: false }); }
        else if (points.length > 1) {
          map.fitBounds(L.latLngBounds(points), { padding: [16, 16], maxZoom: 16, animate: false });
        }
      });
    }

    function load(address, origin, fit) {
      var mine = ++ticket;
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || mine !== ticket) { return; }
          if (fit) { byBox = data.kind === "areas" || Boolean(data.truncated); }
          draw(data, origin, fit);
        })
        .catch(function () { /* the list stays; the map keeps what it showed */ });
    }

    function refresh() {
      var state = json(container.getAttribute("data-state")) || {};
      ticket++;
      url = state.url || null;
      byBox = false;
      if (url) { load(url, state.origin, true); }
      else { draw(state, state.origin, true); }
    }

    map.on("moveend", function () {
      if (moving || !byBox || !url) { return; }
      window.clearTimeout(timer);
      var from = url;
      timer = window.setTimeout(function () { load(withBox(from, map.getBounds()), null, false); }, 250);
    });

    refresh();
    var results = container.getAttribute("data-results");
    if (results) {
      document.body.addEventListener("htmx:afterSwap", function (event) {
        var target = event.detail && event.detail.target;
        if (target && target.id === results) { refresh(); }
      });
      document.body.addEventListener("htmx:historyRestore", refresh);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-results-map]"), setUp);
})();
