// Text-only data tables (dashboard/components.py data_table): the server sends each one as a
// single escaped <table> string in the holder's data-table-markup attribute, and it becomes the
// holder's content here, once per new string (React never owns the holder's children). One
// string renders at once where thousands of Dash html.Td components took seconds.
(function () {
  "use strict";

  const ATTRIBUTE = "data-table-markup";
  const rendered = new WeakMap(); // holder -> the markup it shows

  function render(holder) {
    const markup = holder.getAttribute(ATTRIBUTE);
    if (rendered.get(holder) === markup) { return; }
    holder.innerHTML = markup || "";
    rendered.set(holder, markup);
  }

  function renderAll(root) {
    if (root.nodeType !== 1) { return; }
    if (root.hasAttribute(ATTRIBUTE)) { render(root); }
    root.querySelectorAll("[" + ATTRIBUTE + "]").forEach(render);
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === "attributes") { render(record.target); return; }
      record.addedNodes.forEach(renderAll);
    });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: [ATTRIBUTE] });
})();
