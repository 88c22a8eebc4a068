// The Help page (/help#section): Dash draws the page after the browser has looked for the
// section named in the address, and the guides' text and screenshots arrive in steps that move
// it down. So keep the section in view while the page settles (a few seconds, or until the
// reader scrolls or clicks), and again after each new render of the page (a link from a
// chart's "numbers behind the chart" arrives that way).
(function () {
  "use strict";
  const SETTLE_MS = 4000;
  let target = null;
  let until = 0;

  function scrollToSection() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id || !document.getElementById("help-page")) { target = null; return; }
    const found = document.getElementById(id);
    if (!found) { return; }
    if (found !== target) { target = found; until = Date.now() + SETTLE_MS; }
    if (Date.now() < until) { found.scrollIntoView(); }
  }

  function readerMoved() { until = 0; }

  new MutationObserver(scrollToSection).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("load", scrollToSection, true); // a screenshot loaded above the section
  window.addEventListener("hashchange", function () { target = null; scrollToSection(); });
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (name) {
    window.addEventListener(name, readerMoved, { passive: true });
  });
})();
