// The export page (DATA-2): polls the export's progress until its file is ready.
// Loaded with the page's CSP nonce; no inline script.
(() => {
  const box = document.querySelector("[data-export-progress]");
  if (!box) return;
  const url = box.dataset.exportProgress;
  const bar = box.querySelector("[data-export-bar]");
  const label = box.querySelector("[data-export-label]");
  const rows = box.querySelector("[data-export-rows]");
  const count = box.querySelector("[data-export-count]");
  const error = box.querySelector("[data-export-error]");
  const ready = box.querySelector("[data-export-ready]");
  const link = box.querySelector("[data-export-download]");
  const finished = (state) => ["done", "failed", "expired"].includes(state);
  let delay = 1000;

  const show = (status) => {
    box.dataset.state = status.state;
    label.textContent = status.label;
    bar.value = status.progress;
    bar.textContent = `${status.progress}%`;
    if (status.rows) {
      count.textContent = status.rows;
      rows.hidden = false;
    }
    if (status.error) {
      error.textContent = status.error;
      error.hidden = false;
    }
    if (status.ready) {
      link.href = status.download;
      ready.hidden = false;
    }
    bar.hidden = finished(status.state);
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const status = await response.json();
        show(status);
        if (finished(status.state)) return;
        delay = 1000;
      } else {
        delay = Math.min(delay * 2, 15000);
      }
    } catch (_error) {
      delay = Math.min(delay * 2, 15000); // offline for a moment: try again later
    }
    window.setTimeout(poll, delay);
  };

  if (!finished(box.dataset.state)) window.setTimeout(poll, delay);
})();
