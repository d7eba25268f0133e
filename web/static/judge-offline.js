// judge-offline.js: on the judge's pages, installs the service worker that keeps
// them usable offline (static/judge-sw.js) and asks it to keep this page, the
// task list and the offline notice. When they are kept the page is marked
// <html data-offline-ready="1">. Where service workers are unavailable (an
// insecure origin, an old browser) the pages simply work online only.
"use strict";

(function () {
  if (!("serviceWorker" in navigator)) { return; }
  const here = location.pathname + location.search;
  navigator.serviceWorker.register("/judge/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    const worker = reg.active;
    if (!worker) { return; }
    const channel = new MessageChannel();
    channel.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "1"; };
    worker.postMessage({ type: "warm", urls: [here, "/judge", "/judge/offline"] }, [channel.port2]);
  }).catch(function () { /* online only */ });

  // After a change the page shows without reloading (a sheet submitted), the kept
  // copy is refreshed, so that offline the page shows what the server has.
  document.addEventListener("podium:changed", function () {
    const worker = navigator.serviceWorker.controller;
    if (worker) { worker.postMessage({ type: "warm", urls: [], fresh: [here, "/judge"] }); }
  });
})();
