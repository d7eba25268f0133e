// judge-pdf.js: shows the PDFs on a judge's entry page (templates/judge_entry.html)
// with PDF.js, vendored in static/vendor/pdfjs (see vendor/README.md). A frame
// cannot do it: every page is served with frame-ancestors 'none', and iPad
// Safari shows only the first page of a PDF in a frame.
//   - A document is fetched when its box is first opened, in one plain GET
//     (no range requests), so the service worker keeps it whole and it can be
//     read again offline; the scripts, and the cMaps a Chinese PDF needs, are
//     kept by the service worker too.
//   - Every page has its place at once (its own shape), and is drawn at the
//     width of the document area as it comes near; pages far away are let go,
//     since iPad Safari limits the memory of all canvases together. Turning the
//     tablet draws the pages near again at the new width.
//   - Nothing of the document's metadata (title, author, …) is read or shown:
//     the page keeps the server's title, which names the entry by its code.
// Where the document cannot be shown, a message points to the open/download
// link beside it.
"use strict";

(function () {
  const views = document.querySelectorAll(".pdf-view[data-src]");
  if (views.length === 0) { return; }

  const BASE = "/static/vendor/pdfjs/";
  // PDF.js's own viewer caps canvases at 5 Mpx on iOS and Android.
  const MAX_PIXELS = 5242880;
  let library = null;

  function pdfjs() {
    if (!library) {
      library = import(BASE + "pdf.min.mjs").then(function (lib) {
        lib.GlobalWorkerOptions.workerSrc = BASE + "pdf.worker.min.mjs";
        return lib;
      });
      library.catch(function () { library = null; }); // offline before it was ever kept: try again next time
    }
    return library;
  }

  views.forEach(function (view) {
    const box = view.closest("details");
    let started = false;
    const start = function () {
      if (started) { return; }
      started = true;
      show(view).then(function (shown) { started = shown; }); // closed and opened again, it tries again
    };
    if (!box || box.open) {
      start();
    } else {
      box.addEventListener("toggle", function () { if (box.open) { start(); } });
    }
  });

  async function show(view) {
    const status = view.querySelector(".pdf-status");
    const area = view.querySelector(".pdf-pages");
    const setState = function (state, text) {
      view.dataset.state = state;
      status.textContent = text;
    };
    setState("loading", view.dataset.loading);
    let doc;
    const pages = [];
    try {
      const lib = await pdfjs();
      doc = await lib.getDocument({
        url: view.dataset.src,
        disableRange: true, // one whole response, which the service worker can keep
        cMapUrl: BASE + "cmaps/",
        cMapPacked: true,
        standardFontDataUrl: BASE + "standard_fonts/",
        wasmUrl: BASE + "wasm/",
        // The CSP has no 'wasm-unsafe-eval': JBIG2 and JPEG 2000 images use
        // PDF.js's JavaScript decoders (wasm/*_nowasm_fallback.js) instead.
        useWasm: false,
      }).promise;
      for (let n = 1; n <= doc.numPages; n++) {
        pages.push(place(area, await doc.getPage(n), n, doc.numPages, view.dataset.pageLabel));
      }
    } catch (e) {
      setState("failed", view.dataset.failed);
      area.replaceChildren();
      if (doc) { doc.destroy(); }
      return false;
    }
    setState("ready", "");

    function draw(p) {
      const width = p.el.clientWidth;
      if (!p.near || p.task || width === 0 || p.width === width) { return; }
      const base = p.page.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const scale = Math.min(width * ratio / base.width, Math.sqrt(MAX_PIXELS / (base.width * base.height)));
      const viewport = p.page.getViewport({ scale: scale });
      // A new canvas, swapped in when drawn, so that a page being redrawn never shows blank.
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const task = p.page.render({ canvas: canvas, viewport: viewport });
      p.task = task;
      task.promise.then(function () {
        if (p.task !== task) { release(canvas); return; } // let go meanwhile
        p.task = null;
        if (p.canvas) { release(p.canvas); p.canvas.replaceWith(canvas); } else { p.el.prepend(canvas); }
        p.canvas = canvas;
        p.width = width;
        p.el.dataset.rendered = "1";
        draw(p); // the width changed while drawing
      }, function () {
        release(canvas);
        if (p.task !== task) { return; } // cancelled: let go
        p.task = null;
        p.el.dataset.rendered = "failed";
      });
    }

    function forget(p) {
      if (p.task) { p.task.cancel(); p.task = null; }
      if (p.canvas) { release(p.canvas); p.canvas.remove(); }
      p.canvas = null;
      p.width = 0;
      delete p.el.dataset.rendered;
    }

    // Near means within one height of the document area above or below what shows.
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        const p = pages[Number(entry.target.dataset.page) - 1];
        p.near = entry.isIntersecting;
        if (p.near) { draw(p); } else { forget(p); }
      });
    }, { root: area, rootMargin: "100% 0px" });
    pages.forEach(function (p) { observer.observe(p.el); });

    let resized = null;
    new ResizeObserver(function () {
      clearTimeout(resized);
      resized = setTimeout(function () { pages.forEach(draw); }, 150);
    }).observe(area);
    return true;
  }

  // place adds the page's box, shaped like the page, to the document area.
  function place(area, page, n, count, label) {
    const base = page.getViewport({ scale: 1 });
    const el = document.createElement("div");
    el.className = "pdf-page";
    el.dataset.page = String(n);
    el.style.aspectRatio = base.width + " / " + base.height;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", label.replace("%d", n).replace("%d", count));
    const number = document.createElement("span");
    number.className = "pdf-page-no";
    number.textContent = n + " / " + count;
    el.append(number);
    area.append(el);
    return { page: page, el: el, canvas: null, task: null, near: false, width: 0 };
  }

  // release frees a canvas's memory at once (Safari keeps it until collected otherwise).
  function release(canvas) {
    canvas.width = 0;
    canvas.height = 0;
  }
})();
