/* The camera submission map: click or drag to place the marker; the latitude and longitude
 * fields follow it (and it follows them). Each placement asks the site for the likely police
 * service and for known cameras within the duplicate distance. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const suggestUrl = JSON.parse(document.getElementById("suggest-url").textContent);
  const L = window.L;
  const lat = document.getElementById("id_latitude");
  const lon = document.getElementById("id_longitude");
  const service = document.getElementById("id_police_service");
  const suggestion = document.getElementById("suggestion");
  const duplicates = document.getElementById("duplicates-live");

  const map = L.map("picker", { minZoom: config.minZoom, maxZoom: config.maxZoom });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: config.maxZoom }).addTo(map);
  }
  let marker = null;
  const start = lat.value && lon.value ? [Number(lat.value), Number(lon.value)] : null;
  map.setView(start || config.center, start ? 16 : config.zoom);

  function place(latlng, fromFields) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), false); });
    } else {
      marker.setLatLng(latlng);
    }
    if (!fromFields) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
    }
    check(latlng);
  }

  function check(latlng) {
    const params = new URLSearchParams({ lat: latlng.lat.toFixed(6), lon: latlng.lng.toFixed(6) });
    fetch(suggestUrl + "?" + params, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        suggestion.textContent = data.error || "";
        if (data.service && service && !service.dataset.touched) {
          service.value = String(data.service.id);
          suggestion.textContent = data.service.name + ". " + data.service.reason;
        }
        duplicates.replaceChildren();
        (data.duplicates || []).forEach(function (d) {
          const p = document.createElement("p");
          const a = document.createElement("a");
          a.href = d.url;
          a.textContent = "#" + d.id;
          p.append("⚠ ", a, " " + Math.round(d.distance_m) + " m");
          duplicates.append(p);
        });
        duplicates.hidden = !(data.duplicates || []).length;
      })
      .catch(function () {});
  }

  if (start) place(L.latLng(start[0], start[1]), true);
  map.on("click", function (event) { place(event.latlng, false); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      const a = Number(lat.value), b = Number(lon.value);
      if (lat.value && lon.value && Number.isFinite(a) && Number.isFinite(b)) {
        place(L.latLng(a, b), true);
        map.setView([a, b], Math.max(map.getZoom(), 15));
      }
    });
  });
  if (service) service.addEventListener("change", function () { service.dataset.touched = "1"; });
})();
