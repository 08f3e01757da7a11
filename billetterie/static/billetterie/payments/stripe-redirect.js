// The step to Stripe's hosted payment page: follow its link at once (the link stays for
// a browser without JavaScript). Loaded with the page's CSP nonce; no inline script.
(() => {
  const link = document.querySelector("[data-stripe-checkout]");
  if (link) window.location.replace(link.href);
})();
