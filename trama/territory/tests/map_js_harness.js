/* Runs territory/map.js under Node with a fake DOM and a fake Leaflet, and prints (JSON) the HTML that Leaflet would
   insert for every popup and tooltip. Used by test_map_js.py; argv: path of map.js, path of a JSON fixture
   {"config": {...}, "geojson": {...}}.

   The fake DOM serialises like a browser: textContent is escaped, innerHTML is kept as written. Leaflet 1.9 sets a
   string content with innerHTML and appends a node content as it is, so a string is reported raw. */
"use strict";
const fs = require("fs");
const vm = require("vm");

const [mapJsPath, fixturePath] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(fixturePath, "utf8"));

function escapeHtml(value) {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

class Element {
  constructor(tag) { this.tagName = tag; this.children = []; this.attributes = {}; this.rawHtml = null; }
  appendChild(child) { this.children.push(child); return child; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  set textContent(value) { this.children = [new Text(value)]; this.rawHtml = null; }
  set innerHTML(value) { this.children = []; this.rawHtml = String(value); }
  set href(value) { this.attributes.href = String(value); }
  get outerHTML() {
    const attrs = Object.entries(this.attributes).map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join("");
    const inner = this.rawHtml !== null ? this.rawHtml : this.children.map(html).join("");
    return `<${this.tagName}${attrs}>${inner}</${this.tagName}>`;
  }
}
class Text { constructor(value) { this.value = String(value); } get outerHTML() { return escapeHtml(this.value); } }

function html(content) {
  if (typeof content === "string") { return content; }  // what Leaflet does with a string: innerHTML
  if (typeof content === "function") { return html(content()); }
  return content.outerHTML;
}

const container = new Element("div");
const configNode = { textContent: JSON.stringify(fixture.config) };
const documentStub = {
  getElementById: (id) => ({ "territory-map": container, "territory-map-config": configNode })[id] || null,
  createElement: (tag) => new Element(tag),
};

const inserted = [];
function layerStub(kind) {
  return {
    bindPopup(content) { inserted.push({ kind, api: "bindPopup", html: html(content) }); return this; },
    bindTooltip(content) { inserted.push({ kind, api: "bindTooltip", html: html(content) }); return this; },
    addTo() { return this; },
    getBounds() { return { isValid: () => true }; },
  };
}
const leafletStub = {
  map: () => ({ setView() { return this; }, fitBounds() { return this; } }),
  tileLayer: () => ({ addTo() { return this; } }),
  circleMarker: () => layerStub("place"),
  geoJSON(collection, options) {
    for (const feature of collection.features) {
      if (options.style) { options.style(feature); }
      if (options.onEachFeature) { options.onEachFeature(feature, layerStub("area")); }
    }
    return layerStub("collection");
  },
};
const fetchStub = () => Promise.resolve({ ok: true, json: () => Promise.resolve(fixture.geojson) });

vm.runInNewContext(fs.readFileSync(mapJsPath, "utf8"), {
  document: documentStub, L: leafletStub, fetch: fetchStub, console,
});
setTimeout(() => {
  process.stdout.write(JSON.stringify({ inserted, error: container.attributes["data-error"] || null }));
}, 50);
