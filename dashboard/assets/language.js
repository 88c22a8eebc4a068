// Switch language without losing the selections held in the query string (kept in sync by
// each page with history.replaceState).
document.addEventListener("click", function (event) {
  const link = event.target.closest("#language-switch");
  if (!link) { return; }
  event.preventDefault();
  const params = new URLSearchParams(window.location.search);
  params.set("lang", link.dataset.lang);
  window.location.assign(window.location.pathname + "?" + params.toString());
});
