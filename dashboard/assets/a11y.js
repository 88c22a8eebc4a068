// Accessibility repairs for what Dash 4's components give no prop for, plus text alternatives
// for the charts. Every repair is idempotent and re-applied by one MutationObserver whenever
// React or plotly re-render (a write only happens when a value differs, so the observer's own
// changes settle after one pass). Documented per function; no axe rule is silenced anywhere.
(function () {
  "use strict";

  const root = document.documentElement;
  root.classList.add("js"); // style.css folds the header navigation into a menu only with JS

  let STRINGS = {};
  try {
    STRINGS = JSON.parse(document.getElementById("migdash-a11y-strings").textContent);
  } catch (err) { STRINGS = {}; } // app.py puts them in the index page; without them: keys

  const LOCALES = { en: "en", es: "es", fr: "fr", pt: "pt-BR" };

  function pageLanguage() {
    // The layout's <main lang> is the language the server validated; the URL's ?lang= before
    // the first render; English otherwise.
    const main = document.querySelector("main[lang]");
    if (main && main.lang) { return main.lang; }
    const wanted = new URLSearchParams(window.location.search).get("lang");
    return wanted && STRINGS[wanted] ? wanted : "en";
  }

  function t(lang, key, values) {
    const text = (STRINGS[lang] && STRINGS[lang][key]) || (STRINGS.en && STRINGS.en[key]) || key;
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values && name in values ? values[name] : ""; });
  }

  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }

  function dropAttr(el, name) {
    if (el.hasAttribute(name)) { el.removeAttribute(name); }
  }

  // WCAG 3.1.1: <html lang> follows the page's language (app.py sets it on the first load;
  // this keeps it right when the language changes without a reload).
  function syncLanguage() {
    const lang = pageLanguage();
    if (root.lang !== lang) { root.lang = lang; }
  }

  function labelFor(id) {
    if (!id) { return null; }
    return document.querySelector('label[for="' + CSS.escape(id) + '"]') || document.getElementById(id + "-label");
  }

  // dcc.Dropdown (Dash 4) puts a read-only <input aria-hidden="true" tabindex="0"> before its
  // trigger <button tabindex="-1">, so that Safari can Tab to it: a focusable element hidden
  // from assistive technology (axe: aria-hidden-focus), and a trigger named by its value only.
  // The decoy is taken out of the page (display: none in style.css) and the trigger button
  // itself goes into the Tab order, named by its visible <label for> and then its value. The
  // button keeps all of Dash's own keyboard handling: Enter / ArrowDown / Space open the
  // list, arrows move, Enter or Space chooses, Escape closes and focus returns to the button.
  function fixDropdowns() {
    document.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      const decoy = wrapper.querySelector(":scope > input.dash-dropdown-focus-target");
      const button = wrapper.querySelector(":scope > button.dash-dropdown");
      if (decoy) { setAttr(decoy, "tabindex", "-1"); }
      if (!button) { return; }
      if (!button.disabled) { setAttr(button, "tabindex", "0"); }
      const label = labelFor(button.id);
      if (label) {
        if (!label.id) { label.id = button.id + "-label"; }
        // The label, then the button's own text exactly as seen (WCAG 2.5.3): chosen values, "n selected".
        setAttr(button, "aria-labelledby", label.id + " " + button.id);
      }
      // The "×" inside the button is a mouse-only shortcut (not focusable; the keyboard clears
      // with Delete or Backspace on the button): its "Clear selection" name would otherwise
      // leak into the button's visible-text-vs-name comparison (WCAG 2.5.3).
      button.querySelectorAll("a.dash-dropdown-clear").forEach(function (clear) { setAttr(clear, "aria-hidden", "true"); });
      // The open list: a group of native radio buttons / checkboxes named like the dropdown.
      wrapper.querySelectorAll(".dash-options-list").forEach(function (list) {
        fixOptionList(list, label ? label.id : null);
      });
    });
  }

  // dcc.RadioItems / dcc.Checklist (and the dropdown's open list) render
  // <div role="listbox"><label role="option" aria-selected><input type="radio|checkbox">:
  // an interactive option wrapping an interactive input (axe: nested-interactive) in an
  // unnamed listbox (aria-input-field-name). The native inputs are accessible by themselves,
  // so the options lose their role and aria-selected, and the container becomes a radiogroup
  // (radios) or group (checkboxes) named by its visible label: <label for=id> or #<id>-label.
  // When the page already wraps the control in a named group, the container becomes neutral
  // so the group is not announced twice; a lone checkbox needs no group at all.
  function fixOptionList(list, labelId) {
    const inputs = list.querySelectorAll("input");
    const radios = inputs.length > 0 && inputs[0].type === "radio";
    const labelled = labelId || (labelFor(list.id) || {}).id;
    const outer = list.parentElement && list.parentElement.closest("[role=radiogroup][aria-labelledby], [role=group][aria-labelledby]");
    const wrapped = outer && outer !== list && outer.contains(list) && !list.closest(".dash-dropdown-wrapper") &&
      (!labelled || outer.getAttribute("aria-labelledby") === labelled || outer === list.parentElement);
    if (wrapped || (!radios && inputs.length === 1 && !labelled)) {
      setAttr(list, "role", "none");
      dropAttr(list, "aria-labelledby");
    } else {
      setAttr(list, "role", radios ? "radiogroup" : "group");
      if (labelled) { setAttr(list, "aria-labelledby", labelled); }
    }
    list.querySelectorAll("label.dash-options-list-option").forEach(function (option) {
      dropAttr(option, "role");
      dropAttr(option, "aria-selected");
    });
    // Long (virtualised) lists measure their widest option in an aria-hidden copy: make it inert.
    list.querySelectorAll("[aria-hidden=true], [aria-hidden='']").forEach(function (copy) {
      if (!copy.inert) { copy.inert = true; }
      copy.querySelectorAll("input").forEach(function (input) { setAttr(input, "tabindex", "-1"); });
    });
  }

  // dcc.Clipboard renders a clickable <div title> around an icon: no role, not focusable. It
  // becomes a named button in the Tab order; Enter and Space click it (listener below).
  function fixClipboards() {
    document.querySelectorAll('svg[data-icon="copy"], svg[data-icon="check"]').forEach(function (icon) {
      const box = icon.parentElement;
      if (!box || box.tagName !== "DIV" || !box.title) { return; }
      setAttr(box, "role", "button");
      setAttr(box, "tabindex", "0");
      setAttr(box, "aria-label", box.title);
      box.classList.add("migdash-clipboard");
    });
  }

  document.addEventListener("keydown", function (event) {
    const box = event.target.closest && event.target.closest(".migdash-clipboard");
    if (box && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); box.click(); }
  });

  // A table that scrolls sideways on a phone (style.css) must be reachable by keyboard to be
  // scrolled (WCAG 2.1.1); a table that fits is not a keyboard stop.
  function scrollableTables() {
    document.querySelectorAll("main .data-table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && getComputedStyle(table).overflowX === "auto") {
        setAttr(table, "tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }

  function fixOptionLists() {
    document.querySelectorAll(".dash-options-list").forEach(function (list) {
      if (!list.closest(".dash-dropdown-wrapper")) { fixOptionList(list, null); }
    });
  }

  // ---- Charts: a title and a one-line summary for screen readers -------------------------
  function plain(text) {
    const box = document.createElement("div");
    box.innerHTML = String(text || "").replace(/<br\s*\/?>/gi, " ");
    return box.textContent.replace(/\s+/g, " ").trim();
  }

  function numberFormat(lang, options) {
    return new Intl.NumberFormat(LOCALES[lang] || lang, options);
  }

  function formatted(trace, index, value, lang) {
    // The figures carry each point's label, already in the page's language, as customdata.
    const custom = trace.customdata && trace.customdata[index];
    if (typeof custom === "string" && custom && custom.length <= 40) { return custom; }
    if (typeof value !== "number" || !isFinite(value)) { return String(value); }
    const options = Math.abs(value) >= 100000 ? { notation: "compact", maximumFractionDigits: 1 } : { maximumFractionDigits: 2 };
    return numberFormat(lang, options).format(value);
  }

  function points(trace) {
    const xs = trace.x || [];
    const ys = trace.y || [];
    const out = [];
    for (let i = 0; i < Math.min(xs.length, ys.length); i += 1) {
      if (xs[i] !== null && ys[i] !== null && ys[i] !== undefined && isFinite(Number(ys[i]))) {
        out.push({ i: i, x: xs[i], y: Number(ys[i]) });
      }
    }
    return out;
  }

  function largest(values) {
    let best = -1;
    values.forEach(function (v, i) {
      if (v !== null && isFinite(Number(v)) && (best < 0 || Number(v) > Number(values[best]))) { best = i; }
    });
    return best;
  }

  function trendSentence(trace, pts, lang, percentAxis) {
    const first = pts[0];
    const last = pts[pts.length - 1];
    const series = plain(trace.name) || t(lang, "a11y.chart");
    const value = formatted(trace, last.i, last.y, lang);
    // Shares, values from or through zero, and tiny bases (a 1,000-fold rise says little): both ends.
    if (percentAxis || first.y <= 0 || Math.abs(last.y - first.y) > 10 * first.y) {
      return t(lang, "a11y.chart.trend_from", { series: series, value: value, last: last.x,
        start: formatted(trace, first.i, first.y, lang), first: first.x });
    }
    const change = (last.y - first.y) / first.y;
    const pct = numberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(Math.abs(change));
    if (Math.abs(change) < 0.0005) {
      return t(lang, "a11y.chart.trend_flat", { series: series, value: value, last: last.x, first: first.x });
    }
    return t(lang, "a11y.chart.trend", { series: series, value: value, last: last.x, first: first.x,
      change: t(lang, change > 0 ? "a11y.chart.up" : "a11y.chart.down", { percent: pct }) });
  }

  function barSentence(trace, lang, named, percentAxis) {
    const horizontal = trace.orientation === "h";
    if (!horizontal) { // bars over years read as a trend
      const pts = points(trace);
      if (pts.length >= 2 && pts.every(function (p) { return isFinite(Number(p.x)) && Number(p.x) > 1800; })) {
        return trendSentence(trace, pts, lang, percentAxis);
      }
    }
    const values = (horizontal ? trace.x : trace.y) || [];
    const labels = (horizontal ? trace.y : trace.x) || [];
    const best = largest(Array.from(values));
    if (best < 0) { return null; }
    const args = { series: plain(trace.name), label: plain(labels[best]), value: formatted(trace, best, Number(values[best]), lang) };
    return t(lang, named ? "a11y.chart.largest_series" : "a11y.chart.largest", args);
  }

  function summarize(data, layout, lang) {
    const traces = (data || []).filter(function (tr) { return tr.visible !== false && tr.visible !== "legendonly"; });
    const sentences = [];
    const sankey = traces.find(function (tr) { return tr.type === "sankey"; });
    const heat = traces.find(function (tr) { return tr.type === "heatmap"; });
    if (sankey && sankey.link && sankey.link.value && sankey.link.value.length) {
      const link = sankey.link;
      const best = largest(Array.from(link.value));
      const labels = (sankey.node && sankey.node.label) || [];
      const custom = link.customdata && link.customdata[best];
      sentences.push(t(lang, "a11y.chart.flow", { source: plain(labels[link.source[best]]), target: plain(labels[link.target[best]]),
        value: typeof custom === "string" ? custom : formatted({}, 0, Number(link.value[best]), lang) }));
    } else if (heat && heat.z && heat.z.length) {
      let bi = -1; let bj = -1;
      heat.z.forEach(function (row, i) {
        (row || []).forEach(function (v, j) {
          if (v !== null && isFinite(Number(v)) && (bi < 0 || Number(v) > Number(heat.z[bi][bj]))) { bi = i; bj = j; }
        });
      });
      if (bi >= 0) {
        const text = heat.text && heat.text[bi] && heat.text[bi][bj];
        sentences.push(t(lang, "a11y.chart.cell", { row: plain((heat.y || [])[bi]), column: plain((heat.x || [])[bj]),
          value: typeof text === "string" && text ? text : formatted({}, 0, Number(heat.z[bi][bj]), lang) }));
      }
    } else {
      const percentAxis = !!(layout && layout.yaxis && layout.yaxis.ticksuffix === "%");
      const bars = traces.filter(function (tr) { return tr.type === "bar"; });
      bars.forEach(function (tr) {
        const sentence = barSentence(tr, lang, bars.length > 1 && tr.name, percentAxis);
        if (sentence) { sentences.push(sentence); }
      });
      const lines = traces.filter(function (tr) {
        return (!tr.type || tr.type === "scatter" || tr.type === "scattergl") && (!tr.mode || tr.mode.indexOf("lines") >= 0);
      });
      // A total drawn over stacked parts is the headline: it comes first.
      lines.sort(function (a, b) { return (a.stackgroup ? 1 : 0) - (b.stackgroup ? 1 : 0); });
      lines.forEach(function (tr) {
        const pts = points(tr);
        if (pts.length === 0) { return; }
        const numericX = pts.every(function (p) { return isFinite(Number(p.x)); });
        if (pts.length >= 2 && numericX) {
          sentences.push(trendSentence(tr, pts, lang, percentAxis));
        } else {
          const best = largest(pts.map(function (p) { return p.y; }));
          sentences.push(t(lang, "a11y.chart.largest_series", { series: plain(tr.name), label: plain(pts[best].x),
            value: formatted(tr, pts[best].i, pts[best].y, lang) }));
        }
      });
    }
    const MAX = 4;
    if (sentences.length === 0) {
      const note = layout && layout.annotations && layout.annotations[0];
      return note && note.text ? plain(note.text) : t(lang, "a11y.chart.no_data");
    }
    const shown = sentences.slice(0, MAX);
    if (sentences.length > MAX) { shown.push(t(lang, "a11y.chart.more", { count: sentences.length - MAX })); }
    return shown.join("; ") + ".";
  }

  let holder = null;
  const summaries = new WeakMap();
  let serial = 0;

  function describeCharts() {
    const lang = pageLanguage();
    document.querySelectorAll(".dash-graph").forEach(function (container) {
      const gd = container.querySelector(".js-plotly-plot");
      // plotly's computed figure: arrays decoded (plotly.py sends numpy arrays base64-encoded).
      const data = gd && (gd._fullData || gd.data);
      const layout = gd && (gd._fullLayout || gd.layout);
      if (!data || !layout) { return; }
      if (!container.id) { serial += 1; container.id = "migdash-chart-" + serial; }
      const layoutTitle = layout.title;
      const title = plain(layoutTitle && typeof layoutTitle === "object" ? layoutTitle.text : layoutTitle) || t(lang, "a11y.chart");
      const seen = summaries.get(gd);
      let summary;
      if (seen && seen.data === data && seen.layout === layout && seen.lang === lang) {
        summary = seen.text; // hovering re-renders the SVG, not the figure: nothing to recompute
      } else {
        summary = summarize(data, layout, lang);
        summaries.set(gd, { data: data, layout: layout, lang: lang, text: summary });
      }
      const next = container.nextElementSibling;
      if (next && next.tagName === "DETAILS") { summary += " " + t(lang, "a11y.chart.table_hint"); }
      if (!holder || !holder.isConnected) {
        holder = document.getElementById("migdash-chart-summaries") || document.createElement("div");
        holder.id = "migdash-chart-summaries";
        holder.hidden = true; // read through aria-describedby only, never twice in reading order
        document.body.appendChild(holder);
      }
      const descId = container.id + "-summary";
      let desc = document.getElementById(descId);
      if (!desc) { desc = document.createElement("p"); desc.id = descId; holder.appendChild(desc); }
      if (desc.textContent !== summary) { desc.textContent = summary; }
      // role=figure keeps the toolbar's buttons reachable (role=img would flatten them).
      setAttr(container, "role", "figure");
      setAttr(container, "aria-label", title);
      setAttr(container, "aria-describedby", descId);
      // The SVG's loose tick and legend texts would be read one by one: the summary replaces them.
      gd.querySelectorAll("svg.main-svg").forEach(function (svg) { setAttr(svg, "aria-hidden", "true"); });
    });
    if (holder) {
      Array.from(holder.children).forEach(function (p) {
        const owner = document.getElementById(p.id.replace(/-summary$/, ""));
        if (!owner) { holder.removeChild(p); }
      });
    }
  }

  // Narrow screens: a legend to the right of a plot would squeeze it, so it moves below.
  function narrowLegends() {
    if (!window.Plotly || window.innerWidth > 640) { return; }
    document.querySelectorAll(".dash-graph .js-plotly-plot").forEach(function (gd) {
      const legend = gd.layout && gd.layout.legend;
      if (legend && legend.orientation === "v" && Number(legend.x) > 1 && !gd.dataset.legendMoved) {
        gd.dataset.legendMoved = "1";
        window.Plotly.relayout(gd, { "legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left",
          "legend.y": -0.2, "legend.yanchor": "top", "margin.r": 10 });
      }
    });
  }

  // WCAG 3.1.2: plotly.js writes its toolbar's names and tooltips (aria-label, data-title) and
  // its download notices in English. Each known English text is replaced by the page
  // language's (keys a11y.modebar.* in readside/i18n); a replaced text is no longer a key, so a
  // second pass changes nothing.
  const MODEBAR = {
    "Download plot as a PNG": "download_png", "Download plot": "download", "Zoom": "zoom", "Pan": "pan",
    "Zoom in": "zoom_in", "Zoom out": "zoom_out", "Autoscale": "autoscale", "Reset axes": "reset_axes",
    "Reset view": "reset_view", "Reset": "reset", "Show closest data on hover": "closest",
    "Compare data on hover": "compare", "Toggle show closest data on hover": "toggle_closest",
    "Toggle Spike Lines": "spikes", "Preparing image - this may take a few seconds": "preparing",
    "Image download succeeded": "downloaded",
  };

  function translateModebars() {
    const lang = pageLanguage();
    if (lang === "en") { return; }
    document.querySelectorAll(".modebar-btn[data-title]").forEach(function (button) {
      const key = MODEBAR[button.getAttribute("data-title")];
      if (!key) { return; }
      const text = t(lang, "a11y.modebar." + key);
      setAttr(button, "data-title", text);
      setAttr(button, "aria-label", text);
    });
    document.querySelectorAll(".plotly-notifier .notifier-note p").forEach(function (note) {
      const key = MODEBAR[note.textContent];
      if (key) { note.textContent = t(lang, "a11y.modebar." + key); }
    });
  }

  function repair() {
    syncLanguage();
    translateModebars();
    fixDropdowns();
    fixOptionLists();
    fixClipboards();
    scrollableTables();
    describeCharts();
    narrowLegends();
  }

  let pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(); });
  }

  function start() {
    repair();
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["role", "aria-selected", "tabindex", "aria-labelledby", "lang"],
    });
    window.addEventListener("popstate", schedule);
    window.addEventListener("resize", schedule);
  }

  // The header's menu button (shown on narrow screens by style.css).
  // A link followed inside the menu closes it: Dash renders the next page into the same
  // header, so React would otherwise leave it open.
  function closeMenu() {
    const toggle = document.getElementById("nav-toggle");
    if (toggle) { setAttr(toggle, "aria-expanded", "false"); }
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    const toggle = event.target.closest("#nav-toggle");
    if (toggle) {
      setAttr(toggle, "aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
    } else if (event.target.closest("#main-nav a")) {
      closeMenu();
    }
  });
  window.addEventListener("popstate", closeMenu);

  // The skip link moves focus to <main> without writing "#main" into the URL: a hash change
  // makes Dash's router re-render the page, which would drop the focus it just placed.
  document.addEventListener("click", function (event) {
    const skip = event.target.closest ? event.target.closest("a.skip-link") : null;
    const main = document.getElementById("main");
    if (!skip || !main) { return; }
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest || !event.target.closest("#main-nav")) { return; }
    const toggle = document.getElementById("nav-toggle");
    if (toggle && toggle.getAttribute("aria-expanded") === "true" && toggle.offsetParent !== null) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
