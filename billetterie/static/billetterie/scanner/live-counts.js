// The back office's live count: entered / inside / expected per date and zone, refreshed
// every 10 seconds from the page's JSON view. Loaded with the page's CSP nonce.
(() => {
  const box = document.querySelector("[data-live]");
  if (!box) return;
  const url = box.dataset.live;
  const updated = document.querySelector("[data-live-updated]");
  const EVERY_MS = 10000;

  const cell = (tag, text, attr) => {
    const node = document.createElement(tag);
    node.textContent = String(text);
    if (attr) node.setAttribute(attr, "");
    return node;
  };
  const row = (label, counts, attr, value) => {
    const tr = document.createElement("tr");
    if (attr) tr.setAttribute(attr, value === undefined ? "" : String(value));
    const head = cell("th", label);
    head.scope = "row";
    tr.append(
      head,
      cell("td", counts.entered, "data-entered"),
      cell("td", counts.inside, "data-inside"),
      cell("td", counts.expected, "data-expected"),
    );
    return tr;
  };

  const show = (data) => {
    for (const date of data.dates) {
      const section = box.querySelector(`[data-date="${date.id}"]`);
      if (!section) continue;
      const body = section.querySelector("tbody");
      if (date.zones.length) {
        body.replaceChildren(...date.zones.map((z) => row(z.zone_name, z, "data-zone", z.zone_id)));
      } else {
        const tr = document.createElement("tr");
        const td = cell("td", box.dataset.emptyLabel);
        td.colSpan = 4;
        td.className = "empty";
        tr.append(td);
        body.replaceChildren(tr);
      }
      section.querySelector("tfoot").replaceChildren(row(box.dataset.totalLabel, date.total, "data-total"));
    }
    if (updated) updated.textContent = new Date(data.updated_at).toLocaleTimeString();
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) show(await response.json());
    } catch (_error) {
      // offline for a moment: the next poll tries again
    }
    window.setTimeout(poll, EVERY_MS);
  };
  window.setTimeout(poll, EVERY_MS);
})();
