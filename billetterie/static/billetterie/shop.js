// The public shop's small behaviours, without inline script (the CSP forbids it).
// - [data-countdown]: counts down the time the cart's places are held. The server gives the
//   seconds left (data-seconds), so a wrong clock on the buyer's device does not matter.
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
