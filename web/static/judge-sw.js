// judge-sw.js: the service worker that keeps a judge's tablet working without a
// network. Served at /judge/sw.js with Service-Worker-Allowed: / and registered
// for the whole site, so that it also sees logins and logouts (see below); it
// caches only the judge's pages, the judge API's GETs and the scripts and styles
// they need, and passes every other request through untouched.
//   - Network first: online, the judge always gets the server's page, and the
//     copy is kept; offline (or when the server does not answer in time) the
//     kept copy is shown, marked with <meta name="podium-offline"> so that
//     judge.js trusts the draft kept on the tablet over the copy's older sheet.
//   - Writes (POST, PUT, …) are never cached: judge.js queues submissions itself.
//   - A login, a logout, an invite link used, or a session found ended clears
//     every copy, so no one sees another judge's pages.
//   - Materials: a business plan or deck opened as a PDF, and images, are kept
//     (up to MAX_FILE bytes each), so a judge can read them again offline.
//     Videos are never kept: they are large and played in ranges.
//   - The PDF viewer (judge-pdf.js and PDF.js) is kept at install; of PDF.js's
//     data (cMaps for Chinese fonts, fonts, image decoders), what a document
//     needed is kept as it is fetched, so a PDF opened once renders offline.
"use strict";

// The name stays when files are added: a new name would drop the materials kept.
const CACHE = "podium-judge-v2";
const PDFJS = "/static/vendor/pdfjs/";
const SHELL = ["/static/app.css", "/static/app.js", "/static/judge.js", "/static/judge-live.js", "/static/judge-offline.js",
  "/static/judge-pdf.js", PDFJS + "pdf.min.mjs", PDFJS + "pdf.worker.min.mjs"];
const OFFLINE_PAGE = "/judge/offline";
const TIMEOUT = 8000; // a network that does not answer is treated as none
const MAX_FILE = 25 * 1024 * 1024; // the largest material kept for offline reading

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.startsWith("podium-judge-") && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (changesSession(req, url)) {
    event.waitUntil(clearAll());
    return;
  }
  if (req.method !== "GET" || !cacheable(url)) { return; }
  event.respondWith(networkFirst(event));
});

// The page asks for copies of pages it knows the judge needs offline (itself on
// a first visit, which happened before this worker was in charge; the task list;
// the offline page), and hears back when they are kept.
self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type !== "warm") { return; }
  const reply = event.ports && event.ports[0];
  event.waitUntil(warm(data.urls || [], data.fresh || []).then(function (kept) {
    if (reply) { reply.postMessage({ kept: kept }); }
  }));
});

// changesSession is a request that logs someone in or out.
function changesSession(req, url) {
  if (req.method === "GET" || req.method === "HEAD") { return false; }
  const p = url.pathname;
  return p === "/login" || p === "/logout" || p === "/api/v1/session" ||
    p.startsWith("/invite/") || p.startsWith("/api/v1/invites/");
}

function cacheable(url) {
  const p = url.pathname;
  if (SHELL.includes(p) || p.startsWith(PDFJS)) { return true; }
  if (p === "/judge/sw.js") { return false; }
  return p === "/judge" || p.startsWith("/judge/") || p.startsWith("/api/v1/judge/");
}

// keepable is a full, successful answer from this site (not a redirect to the
// login page); of materials, only PDFs and images of a reasonable size.
function keepable(req, res) {
  if (!res || res.status !== 200 || res.type !== "basic" || res.redirected) { return false; }
  if (!isMaterial(new URL(req.url))) { return true; }
  const type = res.headers.get("Content-Type") || "";
  const size = Number(res.headers.get("Content-Length") || MAX_FILE + 1);
  return !req.headers.has("Range") && size <= MAX_FILE && (type.startsWith("application/pdf") || type.startsWith("image/"));
}

function isMaterial(url) {
  return url.pathname.startsWith("/judge/assignments/") && url.pathname.includes("/files/");
}

function clearAll() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.startsWith("podium-judge-"); })
      .map(function (n) { return caches.delete(n); }));
  });
}

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    const timer = setTimeout(function () { reject(new Error("timeout")); }, TIMEOUT);
    promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

async function networkFirst(event) {
  const req = event.request;
  let res = null;
  try {
    res = await withTimeout(fetch(req));
  } catch (e) {
    res = null; // offline, or no answer in time
  }
  if (res && res.status < 500) {
    if (keepable(req, res)) {
      const copy = res.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(req, copy); }));
    } else if (res.type === "opaqueredirect" || res.redirected) {
      event.waitUntil(clearAll()); // the session ended: sent to the login page
    }
    return res;
  }
  const cached = await caches.match(req, { cacheName: CACHE });
  if (cached) { return req.mode === "navigate" && isPage(cached) ? markedOffline(cached) : cached; }
  if (req.mode === "navigate") {
    const offline = await caches.match(OFFLINE_PAGE, { cacheName: CACHE });
    if (offline) { return markedOffline(offline); }
  }
  return res || Response.error();
}

function isPage(res) {
  return (res.headers.get("Content-Type") || "").startsWith("text/html");
}

// markedOffline tells the page it is a kept copy, perhaps older than the tablet's draft.
async function markedOffline(res) {
  const html = (await res.text()).replace("<head>", '<head>\n<meta name="podium-offline" content="1">');
  const headers = new Headers(res.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: res.status, statusText: res.statusText, headers: headers });
}

// warm keeps copies of urls not kept yet, and fresh copies of fresh; it answers how many are kept.
async function warm(urls, fresh) {
  const cache = await caches.open(CACHE);
  let kept = 0;
  for (const u of urls.concat(fresh)) {
    const url = new URL(u, self.location.origin);
    if (url.origin !== self.location.origin || !cacheable(url)) { continue; }
    if (!fresh.includes(u) && await cache.match(url.href)) {
      kept++;
      continue;
    }
    try {
      const res = await withTimeout(fetch(url.href, { credentials: "same-origin", cache: "no-store" }));
      if (keepable(new Request(url.href), res)) {
        await cache.put(url.href, res);
        kept++;
      }
    } catch (e) { /* offline: the copy, if any, stays */ }
  }
  return kept;
}
