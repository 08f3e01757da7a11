// The box office screens: keyboard shortcuts, the change computed while the cashier types
// the cash given, quick cash buttons, no double payment on a double click. Every screen
// also works without this file (plain forms; the server computes the change too).
(() => {
  "use strict";

  const isTyping = (el) =>
    !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  // An amount typed by a person, in cents: "50", "50.5", "50,50", "1'000". null if not one.
  function parseCents(text) {
    const cleaned = String(text).trim().replace(/['\u2019\s]/g, "").replace(",", ".");
    if (!/^\d{1,8}(\.\d{0,2})?$/.test(cleaned)) return null;
    const [whole, fraction = ""] = cleaned.split(".");
    return parseInt(whole, 10) * 100 + parseInt((fraction + "00").slice(0, 2), 10);
  }

  function formatCents(cents) {
    const whole = Math.floor(cents / 100)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, "\u2019");
    return `${whole}.${String(cents % 100).padStart(2, "0")}`;
  }

  // What is due: fixed, or the sum of the ticked tickets (paying part of a reservation).
  function dueOf(input) {
    if (input.hasAttribute("data-due-checked")) {
      let sum = 0;
      input.form.querySelectorAll('input[name="ticket"]:checked').forEach((box) => {
        sum += parseInt(box.dataset.cents || "0", 10);
      });
      return sum;
    }
    return parseInt(input.dataset.dueCents || "0", 10);
  }

  function showChange(input) {
    const out = document.getElementById(input.getAttribute("aria-describedby"));
    if (!out) return;
    if (out.dataset.empty === undefined) out.dataset.empty = out.textContent;
    const currency = input.dataset.currency || "";
    const text = input.value.trim();
    const given = parseCents(text);
    delete out.dataset.state;
    if (text === "") {
      out.textContent = out.dataset.empty;
    } else if (given === null) {
      out.textContent = "\u2026";
      out.dataset.state = "short";
    } else if (given >= dueOf(input)) {
      out.textContent = `${out.dataset.labelChange}: ${currency} ${formatCents(given - dueOf(input))}`;
      out.dataset.state = "ok";
    } else {
      out.textContent = `${out.dataset.labelMissing}: ${currency} ${formatCents(dueOf(input) - given)}`;
      out.dataset.state = "short";
    }
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches("[data-cash-input]")) showChange(event.target);
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches('input[name="ticket"]')) {
      event.target.form.querySelectorAll("[data-cash-input]").forEach(showChange);
    }
  });

  // Quick cash: the exact amount or a banknote fills the field.
  document.querySelectorAll("[data-quick-cash]").forEach((group) => {
    group.hidden = false;
    const input = group.parentElement.querySelector("[data-cash-input]");
    group.addEventListener("click", (event) => {
      const button = event.target.closest("[data-cash]");
      if (!button || !input) return;
      const value = button.dataset.cash;
      input.value = value === "exact" ? formatCents(dueOf(input)).replace(/\u2019/g, "") : value;
      showChange(input);
      input.focus();
    });
  });

  // A payment form is sent once, whatever the number of clicks or Enter presses.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(".bo-pay, .bo-tickets") || (event.submitter && event.submitter.formTarget)) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
  });

  // Keys: 1-9 a price (its quantity, or the first free seat), C the cash given, N a new
  // sale, O the orders, / the search; Escape leaves a field.
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const key = event.key;
    let target = null;
    if (/^[1-9]$/.test(key)) {
      target = document.querySelector(`[data-hotkey="${key}"]`);
      if (target && !target.matches("input")) {
        target = target.querySelector('input[type="checkbox"]:not(:disabled)');
      }
    } else if (key === "c" || key === "C") {
      target = document.querySelector("[data-hotkey-cash]");
    } else if (key === "/") {
      target = document.querySelector("[data-hotkey-search]");
      if (!target) {
        const link = document.querySelector('[data-hotkey-nav="o"]');
        if (link) window.location.assign(link.href);
      }
    } else if (key === "n" || key === "N" || key === "o" || key === "O") {
      const link = document.querySelector(`[data-hotkey-nav="${key.toLowerCase()}"]`);
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
      return;
    }
    if (target) {
      event.preventDefault();
      target.focus();
      if (target.select) target.select();
    }
  });

  document.querySelectorAll("[data-cash-input]").forEach((input) => {
    if (input.value) showChange(input);
  });

  // After a sale, "Print the tickets" has the focus: Enter prints.
  const first = document.querySelector(".bo-done [autofocus]");
  if (first && document.activeElement === document.body) first.focus();
})();
