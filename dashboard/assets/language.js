// Switch language without losing the selections held in the query string (kept in sync by
// each page with history.replaceState).
document.addEventListener("click", function (event) {
  // Any of the four links (English · Español · Français · Português); a modified click
  // (new tab or window) keeps the browser's own behaviour with the href.
  const link = event.target.closest("a.language-switch[data-lang]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
  event.preventDefault();
  const params = new URLSearchParams(window.location.search);
  params.set("lang", link.dataset.lang);
  window.location.assign(window.location.pathname + "?" + params.toString());
});
