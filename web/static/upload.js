// Resumable uploads with tus (https://tus.io) for
//   <input type="file" data-upload-kind="deck" data-upload-entry="123" data-upload-endpoint="/api/v1/uploads/">
// Needs /static/vendor/tus.min.js loaded first and <meta name="csrf-token" content="…"> in the page.
// The file goes in 5 MB chunks; a broken connection is retried with growing
// pauses, and after a reload choosing the same file again continues where it
// stopped. A <progress> and a status line follow the input. On success the input
// fires a bubbling "podium:uploaded" event (detail: kind, entry, name) and,
// with data-upload-reload, reloads the page; on failure the status shows the
// server's message and the input fires "podium:upload-failed".
"use strict";

(function () {
  const TEXTS = {
    zh: {
      uploading: "正在上传 {p}%",
      resuming: "继续上次未完成的上传…",
      retrying: "网络中断，正在重试…",
      done: "上传完成",
      failed: "上传失败：",
      network: "网络连接失败，请稍后重试。",
      unsupported: "此浏览器不支持分片上传，请更换浏览器。",
    },
    en: {
      uploading: "Uploading {p}%",
      resuming: "Resuming the unfinished upload…",
      retrying: "Connection lost, retrying…",
      done: "Upload complete",
      failed: "Upload failed: ",
      network: "Could not reach the server; please try again later.",
      unsupported: "This browser cannot upload in chunks; please use another browser.",
    },
  };
  const lang = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "zh" : "en";

  function text(key, p) {
    return TEXTS[lang][key].replace("{p}", p);
  }

  function csrfToken(input) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.content; }
    const field = input.form && input.form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  // The server's error message from Podium's JSON error body, if there is one.
  function serverMessage(err) {
    const res = err && err.originalResponse;
    if (res) {
      try {
        const body = JSON.parse(res.getBody());
        if (body && body.error && body.error.message) { return body.error.message; }
      } catch (e) { /* not JSON */ }
    }
    return TEXTS[lang].network;
  }

  // Retry when the network failed, on server errors, and on the conflicts the
  // server marks retryable (offset mismatch, locked); not on refusals.
  function shouldRetry(err) {
    const res = err && err.originalResponse;
    if (!res) { return true; }
    const status = res.getStatus();
    if (status >= 500 || status === 0) { return true; }
    return (status === 409 || status === 423) && res.getHeader("Podium-Retryable") === "true";
  }

  function start(input, file, ui) {
    if (input.podiumUpload) { input.podiumUpload.abort(); }
    const kind = input.dataset.uploadKind;
    const entry = input.dataset.uploadEntry;
    const endpoint = input.dataset.uploadEndpoint || "/api/v1/uploads/";
    ui.progress.hidden = false;
    ui.progress.value = 0;
    ui.status.className = "upload-status";
    const upload = new tus.Upload(file, {
      endpoint: endpoint,
      chunkSize: 5 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      removeFingerprintOnSuccess: true,
      metadata: { kind: kind, entry: entry, filename: file.name },
      headers: { "X-CSRF-Token": csrfToken(input) },
      // One resumable upload per entry, kind and file.
      fingerprint: function (f) {
        return Promise.resolve(["podium", endpoint, entry, kind, f.name, f.size, f.lastModified].join("|"));
      },
      onShouldRetry: function (err) {
        const retry = shouldRetry(err);
        if (retry) { ui.status.textContent = text("retrying"); }
        return retry;
      },
      onProgress: function (sent, total) {
        const p = total > 0 ? Math.floor(sent * 100 / total) : 0;
        ui.progress.value = p;
        ui.status.textContent = text("uploading", p);
      },
      onSuccess: function () {
        ui.progress.value = 100;
        ui.status.textContent = text("done");
        ui.status.className = "upload-status upload-done";
        input.podiumUpload = null;
        input.dispatchEvent(new CustomEvent("podium:uploaded", {
          bubbles: true, detail: { kind: kind, entry: entry, name: file.name },
        }));
        if (input.hasAttribute("data-upload-reload")) { window.location.reload(); }
      },
      onError: function (err) {
        ui.progress.hidden = true;
        ui.status.textContent = text("failed") + serverMessage(err);
        ui.status.className = "upload-status upload-error";
        input.podiumUpload = null;
        input.value = "";
        input.dispatchEvent(new CustomEvent("podium:upload-failed", { bubbles: true, detail: { kind: kind, entry: entry } }));
      },
    });
    input.podiumUpload = upload;
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length > 0) {
        upload.resumeFromPreviousUpload(previous[0]);
        ui.status.textContent = text("resuming");
      }
      upload.start();
    });
  }

  function enhance(input) {
    if (input.dataset.uploadReady) { return; }
    input.dataset.uploadReady = "1";
    const progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.hidden = true;
    const status = document.createElement("span");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.after(progress, status);
    if (typeof tus === "undefined" || !tus.isSupported) {
      status.textContent = text("unsupported");
      return;
    }
    input.addEventListener("change", function () {
      if (input.files && input.files.length > 0) { start(input, input.files[0], { progress: progress, status: status }); }
    });
  }

  function enhanceAll() {
    document.querySelectorAll("input[type=file][data-upload-kind]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();

// The entry page's list of files follows an upload at once: the file is
// added to the list (the page is not reloaded, so nothing typed in the entry
// form is lost and the upload's own status stays in view).
(function () {
  const list = document.querySelector("table.uploads-list tbody");
  if (!list) { return; }
  document.addEventListener("podium:uploaded", function (ev) {
    const empty = list.querySelector("td.empty");
    if (empty) { empty.parentElement.remove(); }
    const label = ev.target.closest("label");
    const row = document.createElement("tr");
    row.className = "just-uploaded";
    [label ? label.firstChild.textContent.trim() : ev.detail.kind, ev.detail.name, ""].forEach(function (t) {
      const td = document.createElement("td");
      td.textContent = t;
      row.appendChild(td);
    });
    list.appendChild(row);
  });
})();
