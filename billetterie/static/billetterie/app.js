// Small behaviours without inline script (the CSP forbids it).
// - data-confirm on a submit button: ask before a destructive action.
// - data-autosubmit on a select: submit its form on change (language switch).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
