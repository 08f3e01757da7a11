// Follows the link marked data-payment-redirect at once: a hosted payment page (PayPal) on
// another site is reached by a plain navigation, since the CSP's form-action stops the
// redirect of a form to another site. `replace` keeps this hand-over page out of the
// history, so "back" on PayPal returns to the order page.
const paymentLink = document.querySelector("a[data-payment-redirect]");
if (paymentLink) {
  window.location.replace(paymentLink.href);
}
