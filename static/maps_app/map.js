/* The public coverage map: police services by campaign status, provinces by share covered,
 * approved ALPR cameras (server-side clusters at low zoom, points and direction cones at
 * high zoom, asked for as fixed z/x/y tiles and kept in memory; a camera's details are
 * asked for when it is clicked). The view and the filters live in the address
 * (#map=Z/LAT/LON&status=...), so a link reopens the same view. Every script is served by the
 * site; only background tiles come from the configured tile server, and the data layers are
 * drawn whether or not they load. Once the first coverage and cameras are drawn, the page
 * says so: body[data-map-ready=true] (the browser tests and the benchmark wait for it).
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("map-config").textContent);
  const L = window.L;
  const el = document.getElementById("map");
  const form = document.getElementById("map-filters");
  const note = document.getElementById("map-note");
  const FILTERS = ["province", "status", "vendor", "source"];
  const LEVEL_ZOOMS = config.coverageZooms; // one per maps_app.geo.DETAIL_LEVELS
  const CONE_ZOOM = 15;
  const CONE_METRES = 45;
  const CONE_HALF_ANGLE = 25;
  const labels = config.labels;

  // --- State in the address --------------------------------------------------------------
  function readState() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const query = new URLSearchParams(location.search);
    const state = { view: null, filters: {} };
    const parts = (params.get("map") || "").split("/").map(Number);
    if (parts.length === 3 && parts.every(Number.isFinite) &&
        parts[0] >= 0 && parts[0] <= 20 && Math.abs(parts[1]) <= 90 && Math.abs(parts[2]) <= 180) {
      state.view = { zoom: parts[0], center: [parts[1], parts[2]] };
    }
    FILTERS.forEach(function (name) {
      state.filters[name] = params.get(name) || query.get(name) || "";
    });
    return state;
  }

  const state = readState();
  const filters = state.filters;

  function writeState() {
    const c = map.getCenter();
    const params = new URLSearchParams();
    params.set("map", map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5));
    FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    const hash = "#" + params.toString().replace(/%2F/g, "/");
    if (hash !== location.hash) history.replaceState(null, "", hash);
  }

  // --- The map ---------------------------------------------------------------------------
  const map = L.map(el, {
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    zoomSnap: 1,
    preferCanvas: false,
  });
  if (state.view) {
    map.setView(state.view.center, state.view.zoom);
  } else {
    map.setView(config.center, config.zoom);
  }
  map.createPane("provinces").style.zIndex = 350;
  map.createPane("areas").style.zIndex = 380;
  map.createPane("services").style.zIndex = 450;
  map.createPane("cameras").style.zIndex = 460;

  if (config.tileUrl) {
    let warned = false;
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: config.maxZoom })
      .on("tileerror", function () {
        if (warned) return;
        warned = true;
        note.textContent = labels.tilesDown;
        note.hidden = false;
      })
      .addTo(map);
  }
  map.attributionControl.addAttribution(
    "Boundaries: Statistics Canada (OGL-Canada), geoBoundaries"
  );

  // --- Helpers ---------------------------------------------------------------------------
  function colour(status) { return config.colours[status] || config.fallbackColour; }
  function nameOf(props, en, fr) {
    return config.language === "fr" && props[fr] ? props[fr] : props[en];
  }
  function node(tag, attrs, children) {
    const element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") element.textContent = attrs[key];
      // Through the CSSOM: a style attribute would break the page's CSP (no inline styles).
      else if (key === "background") element.style.background = attrs[key];
      else element.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) element.appendChild(child); });
    return element;
  }
  function line(label, value) {
    if (value === null || value === undefined || value === "") return null;
    return node("p", {}, [node("strong", { text: label + " " }), document.createTextNode(value)]);
  }
  function link(href, text) {
    return href ? node("p", {}, [node("a", { href: href, text: text })]) : null;
  }
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Police services and provinces ----------------------------------------------------
  let coverage = null;
  let coverageLevel = null;
  const provinceLayer = L.layerGroup().addTo(map);
  const serviceLayer = L.layerGroup().addTo(map);
  const provinceBoxes = {};
  // Service areas on one canvas: at country scale there are thousands, and as SVG each was
  // an element of the page to lay out. The points stay SVG (their own pane), each one an
  // element with its status in its class.
  const areaCanvas = L.canvas({ pane: "areas" });

  function servicePopup(props) {
    const status = props.status;
    const parts = [
      node("h3", { text: nameOf(props, "name_en", "name_fr") }),
      node("p", {}, [node("span", {
        class: "status", background: colour(status), text: labels.status[status] || status,
      })]),
      props.appeal_stage ? node("p", {
        class: "muted",
        text: [labels.appealStage[props.appeal_stage], labels.appealOutcome[props.appeal_outcome]]
          .filter(Boolean).join(" · "),
      }) : null,
      line(labels.fixedCameras + ":", props.fixed_cameras),
      line(labels.mobileUnits + ":", props.mobile_units),
      line(labels.vendors + ":", (props.vendors || []).map(function (v) { return labels.vendor[v] || v; }).join(", ")),
      link(props.url, labels.servicePage),
    ];
    if (config.canClaim && status === "unclaimed") {
      const claim = node("form", { method: "post", action: config.claimUrl.replace("__slug__", props.slug) }, [
        node("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }),
        node("input", { type: "hidden", name: "campaign", value: config.campaign }),
        node("input", { type: "hidden", name: "next", value: location.pathname + location.hash }),
        node("button", { type: "submit", class: "button", text: labels.claim }),
      ]);
      parts.push(claim);
    }
    return node("div", { class: "map-popup service-popup" }, parts);
  }

  function drawCoverage() {
    provinceLayer.clearLayers();
    serviceLayer.clearLayers();
    if (!coverage) return;
    coverage.features.forEach(function (feature) {
      const props = feature.properties;
      if (props.layer !== "province") return;
      provinceBoxes[props.code] = props.bbox;
      if (!feature.geometry) return;
      const layer = L.geoJSON(feature, {
        pane: "provinces",
        style: {
          color: "#5b6470", weight: 1, fillColor: "#2f855a",
          fillOpacity: 0.04 + 0.5 * props.share, className: "province-area",
        },
      });
      layer.bindTooltip(nameOf(props, "name_en", "name_fr") + ": " + props.covered + " / " +
        props.services + " " + labels.services + " " + labels.covered, { sticky: true });
      provinceLayer.addLayer(layer);
    });
    // The services in one layer (areas where imported, points otherwise): thousands of them
    // at country scale, drawn in one pass rather than one GeoJSON layer each.
    const services = coverage.features.filter(function (feature) {
      const props = feature.properties;
      return props.layer === "service" &&
        !(filters.province && props.province !== filters.province) &&
        !(filters.status && props.status !== filters.status);
    });
    serviceLayer.addLayer(L.geoJSON({ type: "FeatureCollection", features: services }, {
      pane: "areas",
      renderer: areaCanvas,
      pointToLayer: function (feature, latlng) {
        const status = feature.properties.status;
        return L.circleMarker(latlng, {
          pane: "services", radius: 7, color: "#1b1f24", weight: 1, fillColor: colour(status),
          fillOpacity: 0.95, className: "service-marker status-" + status,
        });
      },
      style: function (feature) {
        if (feature.geometry.type === "Point") return {};
        const status = feature.properties.status;
        const fill = colour(status);
        return { color: fill, weight: 1.5, fillColor: fill, fillOpacity: 0.35 };
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return servicePopup(feature.properties); });
      },
    }));
  }

  function detailLevel(zoom) {
    for (let i = 0; i < LEVEL_ZOOMS.length; i++) if (zoom <= LEVEL_ZOOMS[i]) return i;
    return LEVEL_ZOOMS.length;
  }

  function loadCoverage() {
    const level = detailLevel(map.getZoom());
    if (level === coverageLevel) return Promise.resolve();
    coverageLevel = level;
    // The level's own zoom, whatever the map's: every zoom of a level gets the same body,
    // which the server builds before anyone asks.
    const params = new URLSearchParams({ zoom: String(LEVEL_ZOOMS[level]) });
    if (config.campaign) params.set("campaign", config.campaign);
    return fetch(config.coverageUrl + "?" + params, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        // The counters above the map are the page's own, written in words that agree with
        // their numbers (1 request, 2 requests); the same figures here are not copied over.
        coverage = data;
        drawCoverage();
      });
  }

  // --- Cameras ---------------------------------------------------------------------------
  const cameraLayer = L.layerGroup().addTo(map);
  const TILE_SIZE = 256;
  const KEPT_TILES = 600;
  const tiles = new Map(); // tile address -> promise of its cameras, oldest first
  const details = new Map(); // camera id -> promise of its details
  let generation = 0; // the latest view asked for: an answer for an older one is not drawn

  function getJSON(address) {
    return fetch(address, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  // Asked for once each (per filters), then kept: panning back costs nothing.
  function remembered(cache, key, load, limit) {
    if (!cache.has(key)) {
      cache.set(key, load().catch(function (error) { cache.delete(key); throw error; }));
      if (limit && cache.size > limit) cache.delete(cache.keys().next().value);
    }
    return cache.get(key);
  }

  function tileAddress(z, x, y) {
    const params = new URLSearchParams();
    ["vendor", "source", "province"].forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    if (config.campaign) params.set("campaign", config.campaign);
    const query = params.toString();
    return config.cameraTileUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y) +
      (query ? "?" + query : "");
  }

  function visibleTiles(z) {
    const bounds = map.getPixelBounds();
    const last = Math.pow(2, z) - 1;
    const found = [];
    const fromX = Math.max(0, Math.floor(bounds.min.x / TILE_SIZE));
    const toX = Math.min(last, Math.floor((bounds.max.x - 1) / TILE_SIZE));
    const fromY = Math.max(0, Math.floor(bounds.min.y / TILE_SIZE));
    const toY = Math.min(last, Math.floor((bounds.max.y - 1) / TILE_SIZE));
    for (let x = fromX; x <= toX; x++) {
      for (let y = fromY; y <= toY; y++) found.push([x, y]);
    }
    return found;
  }

  function destination(lat, lng, bearing, metres) {
    const rad = Math.PI / 180;
    const dLat = (metres * Math.cos(bearing * rad)) / 111320;
    const dLng = (metres * Math.sin(bearing * rad)) / (111320 * Math.cos(lat * rad));
    return [lat + dLat, lng + dLng];
  }

  function cone(lat, lng, direction) {
    const points = [[lat, lng]];
    for (let a = direction - CONE_HALF_ANGLE; a <= direction + CONE_HALF_ANGLE; a += 5) {
      points.push(destination(lat, lng, a, CONE_METRES));
    }
    return L.polygon(points, {
      pane: "cameras", color: "#111", weight: 1, fillColor: "#111", fillOpacity: 0.25,
      className: "camera-cone", interactive: false,
    });
  }

  function cameraPopupParts(props) {
    const vendor = props.vendor ? (labels.vendor[props.vendor] || props.vendor) : labels.unknownVendor;
    const sourceLink = {
      release: props.release_url && link(props.release_url + (props.page ? "#page=" + props.page : ""),
        labels.releasePage + (props.page ? " (" + labels.page + " " + props.page + ")" : "")),
      osm: props.osm_url && link(props.osm_url, labels.osm),
      council: props.source_url && link(props.source_url, labels.document),
      field: node("p", { text: labels.field }),
    }[props.source];
    return [
      node("h3", { text: vendor }),
      node("p", { text: (labels.kind[props.kind] || props.kind) + (props.mount ? " · " + (labels.mount[props.mount] || props.mount) : "") }),
      line(labels.directions + ":", (props.directions || []).map(function (d) { return d + "°"; }).join(", ")),
      props.service ? node("p", {}, [
        node("strong", { text: labels.operatedBy + " " }),
        node("a", { href: props.service_url, text: config.language === "fr" ? props.service_fr : props.service }),
      ]) : null,
      node("p", { class: "muted", text: labels.source[props.source] || props.source }),
      sourceLink || null,
      props.photo_url ? link(props.photo_url, labels.photo) : null,
      link(props.url, labels.details),
    ].filter(Boolean);
  }

  // The popup opens at once and fills in when the camera's details arrive.
  function cameraPopup(id, marker) {
    const box = node("div", { class: "map-popup camera-popup", "aria-live": "polite" }, [
      node("p", { class: "muted", text: labels.loading }),
    ]);
    remembered(details, id, function () { return getJSON(config.cameraUrl.replace("{id}", id)); })
      .then(function (props) {
        box.replaceChildren.apply(box, cameraPopupParts(props));
        box.dataset.loaded = "true";
      })
      .catch(function () { box.replaceChildren(node("p", { text: labels.notLoaded })); })
      .then(function () {
        // The box itself becomes the content, so Leaflet sizes the popup again without
        // asking this function (and the server) once more.
        const popup = marker.getPopup();
        if (popup && popup.isOpen()) popup.setContent(box);
      });
    return box;
  }

  function drawCluster(lng, lat, count) {
    const size = Math.min(48, 22 + Math.round(Math.log10(count) * 10));
    const marker = L.marker([lat, lng], {
      pane: "cameras",
      icon: L.divIcon({
        className: "camera-cluster",
        html: "<span>" + Number(count) + "</span>",
        iconSize: [size, size],
      }),
      title: count + " " + labels.cameras + " · " + labels.zoomIn,
      keyboard: true,
    });
    marker.on("click", function () {
      map.setView([lat, lng], Math.min(map.getZoom() + 2, config.maxZoom));
    });
    cameraLayer.addLayer(marker);
  }

  function drawPoint(point, zoom) {
    const id = point[0], lng = point[1], lat = point[2], directions = point[4] || [];
    if (zoom >= CONE_ZOOM) {
      directions.forEach(function (d) { cameraLayer.addLayer(cone(lat, lng, d)); });
    }
    const marker = L.circleMarker([lat, lng], {
      pane: "cameras", radius: 5, color: "#ffffff", weight: 2, fillColor: "#111111", fillOpacity: 1,
      className: "camera-marker",
    });
    marker.bindPopup(function () { return cameraPopup(id, marker); });
    cameraLayer.addLayer(marker);
  }

  function loadCameras() {
    const zoom = map.getZoom();
    const asked = ++generation;
    const wanted = visibleTiles(zoom).map(function (t) {
      const address = tileAddress(zoom, t[0], t[1]);
      return remembered(tiles, address, function () { return getJSON(address); }, KEPT_TILES);
    });
    return Promise.all(wanted).then(function (found) {
      if (asked !== generation) return;
      cameraLayer.clearLayers();
      found.forEach(function (tile) {
        tile.clusters.forEach(function (c) { drawCluster(c[0], c[1], c[2]); });
        tile.points.forEach(function (p) { drawPoint(p, zoom); });
      });
    });
  }

  // --- Filters ---------------------------------------------------------------------------
  if (form) {
    FILTERS.forEach(function (name) {
      const field = form.elements[name];
      if (field) field.value = filters[name];
    });
    form.addEventListener("change", function (event) {
      const name = event.target.name;
      if (!FILTERS.includes(name)) return;
      filters[name] = event.target.value;
      if (name === "province" && filters.province) {
        const box = provinceBoxes[filters.province];
        if (box) map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
      }
      drawCoverage();
      loadCameras();
      writeState();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  // --- Go --------------------------------------------------------------------------------
  let timer = null;
  // Services above camera clusters when zoomed out, camera points above services close up.
  function stackPanes() {
    map.getPane("services").style.zIndex = map.getZoom() >= 12 ? 440 : 470;
  }
  stackPanes();
  map.on("zoomend", stackPanes);
  map.on("moveend", function () {
    writeState();
    clearTimeout(timer);
    timer = setTimeout(function () {
      Promise.all([loadCoverage(), loadCameras()]).catch(function () {});
    }, 150);
  });
  window.addEventListener("hashchange", function () {
    const next = readState();
    if (next.view) map.setView(next.view.center, next.view.zoom);
  });

  Promise.all([loadCoverage(), loadCameras()])
    .then(function () {
      el.dataset.state = "ready";
      document.body.dataset.mapReady = "true";
      writeState();
    })
    .catch(function () { el.dataset.state = "error"; });
  window.campaignMap = map; // for the browser test and for debugging
})();
