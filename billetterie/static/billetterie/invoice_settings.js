// The invoice settings page: the deadline rule in words follows the numbers as they are
// typed (the server words it, in the page's language).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-invoice-settings]");
  if (!form) return;
  const output = form.querySelector("[data-explanation]");
  const names = ["reminder_days", "reminder_count", "offer_days_before"];
  let pending = null;
  const update = () => {
    const params = new URLSearchParams();
    for (const name of names) {
      const input = form.elements[name];
      if (input) params.set(name, input.value);
    }
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(`${form.dataset.explainUrl}?${params}`, { signal: pending.signal, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((text) => {
        if (text !== null) output.textContent = text;
      })
      .catch(() => {});
  };
  form.addEventListener("input", (event) => {
    if (names.includes(event.target.name)) update();
  });
});
