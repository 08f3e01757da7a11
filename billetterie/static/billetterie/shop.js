// The public shop's small behaviours, without inline script (the CSP forbids it).
// - [data-countdown]: counts down the time the cart's places are held. The server gives the
//   seconds left (data-seconds), so a wrong clock on the buyer's device does not matter.
// - #ike-tracking: the tracking events of the page (SHOP-8), dispatched on `document` for
//   the organizer's code in the head. The server lists them in a JSON block (data, never
//   executed); the payment form's own events are sent from here:
//   ike_cart_payment_changed {path: the chosen method} when the buyer picks another method,
//   ike_cart_payment_launched (the cart, paymentMethodSelected, topaid) when they pay.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  for (const box of document.querySelectorAll("[data-countdown]")) {
    const deadline = Date.now() + Number(box.dataset.seconds || 0) * 1000;
    const left = box.querySelector("[data-countdown-left]");
    const expired = box.querySelector("[data-countdown-expired]");
    let timer = null;
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      left.textContent = `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
      if (seconds === 0) {
        box.classList.add("expired");
        if (expired) expired.hidden = false;
        if (timer !== null) clearInterval(timer);
        return false;
      }
      return true;
    };
    if (tick()) timer = setInterval(tick, 1000);
  }
})();

(() => {
  const block = document.getElementById("ike-tracking");
  if (!block) return;
  let data;
  try {
    data = JSON.parse(block.textContent);
  } catch {
    return;
  }
  // an error in a listener is reported by the browser and does not stop the dispatch
  const send = (name, detail) => document.dispatchEvent(new CustomEvent(name, { detail }));
  for (const [name, detail] of data.events || []) send(name, detail ?? null);
  const form = document.querySelector("form[data-ike-payment]");
  if (!form || !data.cart) return;
  const chosen = () => form.querySelector('input[name="method"]:checked')?.value ?? null;
  form.addEventListener("change", (event) => {
    if (event.target.name === "method") send("ike_cart_payment_changed", { path: chosen() });
  });
  form.addEventListener("submit", () => {
    send("ike_cart_payment_launched", {
      ...data.cart,
      paymentMethodSelected: chosen(),
      topaid: data.topaid,
    });
  });
})();
