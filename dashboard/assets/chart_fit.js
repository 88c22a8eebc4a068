// Fits every framed chart (dashboard/figures.py: frame_chart) to the width it is drawn at.
//
// plotly.js does not wrap a title or an annotation, and stacks nothing: a title, a legend above
// the plot and a source line below it are each placed on their own. Only the browser knows the
// chart's width, so after each drawing this script wraps the title and the source line to that
// width and gives the margins exactly the room that the title, the legend (as plotly wrapped
// it), the tick labels, the axis title and the source line take: nothing overlaps, nothing is
// cut, on a 1366 px screen as on a 390 px phone. Where the plot itself would be squeezed below
// a readable height, the chart grows taller. The PNG export (toolbar) draws the same layout.
//
// Breaks this script inserts are written "<br >" so that the next fit can undo them; a "<br>"
// written by the page stays.
(function () {
  "use strict";

  const FRAME = "migdash-frame";
  const SOFT_BREAK = "<br >";
  const GAP = 8; // px between the stacked blocks
  const EDGE = 10; // px from the chart's edges
  const MIN_PLOT = 220; // px: below this the chart grows
  const MAX_FITS = 6;
  const SLACK = 24; // px a margin may exceed what it holds before it is tightened // per figure: a safety net against a layout that never settles
  const LINE = 1.3; // plotly's line height, in font sizes
  const PANEL_TITLE = 22;
  const TOOLBAR = 26; // px: plotly's toolbar row
  const NARROW_TOOLBAR = 600; // px: below this width the toolbar would cover the title's end
  const LEGEND_SYMBOL = 50; // px of a legend entry before its text: the symbol and the gaps // px above a small multiple's top row: its panels' titles

  let canvas = null;
  const fits = new WeakMap();

  function textWidth(text, font) {
    canvas = canvas || document.createElement("canvas");
    const ctx = canvas.getContext("2d");
    ctx.font = font;
    return ctx.measureText(text.replace(/<[^>]+>/g, "")).width;
  }

  // Words of each hard line joined greedily into lines no wider than `width`.
  function wrap(text, font, width) {
    return String(text || "").split("<br>").map(function (hard) {
      const words = hard.split(SOFT_BREAK).join(" ").split(" ").filter(function (w) { return w !== ""; });
      const lines = [];
      let line = "";
      words.forEach(function (word) {
        const next = line ? line + " " + word : word;
        if (line && textWidth(next, font) > width) { lines.push(line); line = word; } else { line = next; }
      });
      lines.push(line);
      return lines.join(SOFT_BREAK);
    }).join("<br>");
  }

  function lineCount(text) {
    return text ? text.split(/<br\s*>/i).length : 0;
  }

  function fontOf(font, fallback) {
    const size = (font && font.size) || fallback.size;
    const family = (font && font.family) || fallback.family;
    return { size: size, css: size + "px " + family };
  }

  function framed(gd) {
    const meta = gd.layout && gd.layout.meta;
    return !!(meta && typeof meta === "object" && meta.frame === FRAME);
  }

  // Height (px) that the x axis (tick labels and title) takes below the plot area.
  function axisBelow(gd, full) {
    const plotBottom = gd.getBoundingClientRect().top + full._size.t + full._size.h;
    let bottom = plotBottom;
    gd.querySelectorAll(".xaxislayer-above text, g[class^='g-x'][class$='title'] text").forEach(function (el) {
      const r = el.getBoundingClientRect();
      if (r.height > 0) { bottom = Math.max(bottom, r.bottom); }
    });
    return Math.ceil(bottom - plotBottom);
  }

  function legendHeight(gd, full) {
    if (!full.showlegend) { return 0; }
    const node = gd.querySelector(".legend");
    return node ? Math.ceil(node.getBoundingClientRect().height) : 0;
  }

  function fit(gd) {
    const layout = gd.layout;
    const full = gd._fullLayout;
    if (!layout || !full || !full._size || !framed(gd) || !window.Plotly) { return; }
    const seen = fits.get(layout);
    const again = seen && seen.width === full.width;
    const count = again ? seen.count + 1 : 1;
    if (count > MAX_FITS) { return; }
    const state = { width: full.width, count: count, axisTitles: again ? seen.axisTitles : null };
    fits.set(layout, state);
    const width = full.width - 2 * EDGE;
    const base = { size: 14, family: "Arial, Helvetica, sans-serif" };
    const update = {};

    const titleFont = fontOf(full.title && full.title.font, base);
    const rawTitle = (layout.title && layout.title.text) || "";
    const title = wrap(rawTitle, titleFont.css, width);
    if (title !== rawTitle) { update["title.text"] = title; }
    const titleLines = lineCount(title);
    const titleHeight = titleLines * titleFont.size * LINE;
    // plotly draws a title of several lines 0.7em higher than a one-line title anchored alike
    // on a phone the toolbar, shown on a tap, gets a row of its own above the title
    const toolbar = full.width < NARROW_TOOLBAR ? TOOLBAR : 0;
    const titlePad = EDGE + toolbar + (titleLines > 1 ? Math.ceil(0.7 * titleFont.size) : 0);
    const pad = (layout.title && layout.title.pad) || {};
    if (rawTitle && Math.abs((pad.t || 0) - titlePad) > 1) { update["title.pad.t"] = titlePad; }

    let sourceHeight = 0;
    const notes = layout.annotations || [];
    const index = notes.findIndex(function (a) { return a.name === "source"; });
    if (index >= 0) {
      const sourceFont = fontOf(notes[index].font, { size: 11, family: base.family });
      // the source line starts at the chart's left edge, not the plot's
      const source = wrap(notes[index].text, sourceFont.css, width);
      if (source !== notes[index].text) { update["annotations[" + index + "].text"] = source; }
      sourceHeight = lineCount(source) * sourceFont.size * LINE;
      const shiftX = EDGE - full._size.l;
      if (Math.abs((notes[index].xshift || 0) - shiftX) > 4) { update["annotations[" + index + "].xshift"] = shiftX; }
    }

    // Axis titles are wrapped once per width: a wrap moves the margins, which move the plot,
    // which would call for another wrap (and back) if it were measured again.
    state.axisTitles = state.axisTitles || axisTitles(layout, full, base);
    Object.keys(state.axisTitles).forEach(function (key) {
      const given = layout[key] && layout[key].title;
      const now = given && (typeof given === "string" ? given : given.text);
      if (now !== state.axisTitles[key]) { update[key + ".title.text"] = state.axisTitles[key]; }
    });
    const names = legendNames(gd, full, width);

    const legend = legendHeight(gd, full);
    const axis = axisBelow(gd, full);
    // small multiples: the top row's panel titles stand above the plot area
    const panels = notes.some(function (a) { return a.name === "panel"; }) ? PANEL_TITLE : 0;
    const top = Math.ceil(EDGE + toolbar + titleHeight + (legend ? GAP + legend : 0) + GAP + panels);
    const bottom = Math.ceil(axis + (sourceHeight ? GAP + sourceHeight : 0) + EDGE);
    if (index >= 0) {
      const shiftY = -(axis + GAP);
      if (Math.abs((notes[index].yshift || 0) - shiftY) > 2) { update["annotations[" + index + "].yshift"] = shiftY; }
    }
    // A margin a little larger than needed costs nothing; redrawing a chart for it costs time.
    const margin = layout.margin || {};
    const off = function (now, needed) { return now < needed || now > needed + SLACK; };
    if (off(margin.t || 0, top)) { update["margin.t"] = top; }
    if (off(margin.b || 0, bottom)) { update["margin.b"] = bottom; }

    const tall = layout.meta.map ? stackMap(gd, layout, full.width < NARROW_MAP, update) : 0;

    // A phone's wrapped title, legend and source line leave the plot too little height: grow.
    // Back on a wide screen the chart takes its own height again (a map kept a phone's height
    // would be drawn wider, under its inset).
    resize(gd.closest(".dash-graph"), Math.max(top + bottom + Math.max(MIN_PLOT, barRoom(gd, full)), tall));

    if (names) {
      window.Plotly.update(gd, { name: names.names }, update, names.indices);
    } else if (Object.keys(update).length) {
      window.Plotly.relayout(gd, update);
    }
  }

  // An axis title longer than its axis (a phone's narrow plot, a small multiple) wraps.
  function axisTitles(layout, full, base) {
    const out = {};
    Object.keys(full).filter(function (k) { return /^[xy]axis\d*$/.test(k); }).forEach(function (key) {
      const given = layout[key] && layout[key].title;
      const raw = given && (typeof given === "string" ? given : given.text);
      if (!raw || !full[key]._length) { return; }
      const font = fontOf(full[key].title && full[key].title.font, base);
      // a y axis is measured against the plot once the frame around it is fitted: ~60 % of the chart
      const length = key.charAt(0) === "y" ? Math.min(full[key]._length, 0.6 * full.height) : full[key]._length;
      out[key] = wrap(raw, font.css, length - GAP);
    });
    return out;
  }

  // A legend entry wider than the chart (a long series name on a phone) wraps its name.
  function legendNames(gd, full, width) {
    if (!full.showlegend || !gd.data) { return null; }
    const font = fontOf(full.legend && full.legend.font, { size: 14, family: "Arial, Helvetica, sans-serif" });
    const room = width - LEGEND_SYMBOL;
    const names = [];
    const indices = [];
    gd.data.forEach(function (trace, i) {
      const shown = gd._fullData && gd._fullData.find(function (f) { return f.index === i; });
      if (!shown || !shown.showlegend || typeof trace.name !== "string") { return; }
      const wrapped = wrap(trace.name, font.css, room);
      if (wrapped !== trace.name) { names.push(wrapped); indices.push(i); }
    });
    return indices.length ? { names: names, indices: indices } : null;
  }

  // A map's legend of classes and its inset sit beside the map on a wide screen; on a narrow
  // one they would cover it, so the map takes the upper part and they share the lower part.
  const NARROW_MAP = 900;
  const TALL_MAP = 1060; // px: a phone's map with its legend of classes and its inset stacked
  const wideMap = new WeakMap();

  function stackMap(gd, layout, narrow, update) {
    if (!wideMap.has(layout)) {
      const bar = layout.coloraxis && layout.coloraxis.colorbar;
      wideMap.set(layout, {
        geo: JSON.stringify((layout.geo && layout.geo.domain) || null),
        geo2: JSON.stringify((layout.geo2 && layout.geo2.domain) || null),
        bar: bar ? JSON.stringify({ x: bar.x, y: bar.y, len: bar.len, yanchor: bar.yanchor }) : null,
      });
    }
    const wide = wideMap.get(layout);
    const hasInset = !!layout.geo2;
    const hasBar = !!wide.bar;
    // narrow: the map on top, the legend of classes under it, the inset at the bottom
    const target = narrow ? {
      geo: { x: [0, 1], y: [hasInset && hasBar ? 0.56 : hasInset || hasBar ? 0.4 : 0, 1] },
      geo2: hasInset ? { x: [0.05, 0.95], y: [0, hasBar ? 0.22 : 0.32] } : null,
      bar: hasBar ? { x: 0, y: hasInset ? 0.29 : 0, len: 0.2, yanchor: "bottom" } : null,
    } : { geo: JSON.parse(wide.geo), geo2: JSON.parse(wide.geo2), bar: JSON.parse(wide.bar) };
    const same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
    if (target.geo && !same(layout.geo.domain, target.geo)) { update["geo.domain"] = target.geo; }
    if (target.geo2 && !same(layout.geo2.domain, target.geo2)) {
      update["geo2.domain"] = target.geo2;
      (layout.annotations || []).forEach(function (a, i) {
        if (a.name === "inset") {
          update["annotations[" + i + "].x"] = target.geo2.x[0];
          update["annotations[" + i + "].y"] = target.geo2.y[1];
        }
      });
    }
    if (target.bar) {
      const bar = layout.coloraxis.colorbar;
      Object.keys(target.bar).forEach(function (k) {
        if (bar[k] !== target.bar[k]) { update["coloraxis.colorbar." + k] = target.bar[k]; }
      });
    }
    return narrow && hasInset && hasBar ? TALL_MAP : 0; // px the stacked map needs
  }

  // Horizontal bars whose names wrap (an IOM route in French on three lines) need that many
  // lines a bar, or the names overlap their neighbours on a phone: the plot height that gives
  // each bar room for its name. Names on one line leave the chart its own height.
  function barRoom(gd, full) {
    const bars = (gd.data || []).filter(function (trace) { return trace.type === "bar" && trace.orientation === "h"; });
    if (!bars.length || !bars[0].y) { return 0; }
    const names = Array.from(bars[0].y, function (name) { return String(name); });
    const lines = Math.max.apply(null, names.map(function (name) { return name.split("<br>").length; }));
    if (lines < 2) { return 0; }
    const size = (full.yaxis && full.yaxis.tickfont && full.yaxis.tickfont.size) || 12;
    return Math.ceil(names.length * (lines * size * LINE + 6));
  }

  // The holder's height: its own (the page's) unless the chart needs more; the page's height is
  // kept in data-migdash-height while the chart is grown.
  function resize(holder, needed) {
    if (!holder) { return; }
    const grown = holder.dataset.migdashHeight !== undefined;
    const own = grown ? parseFloat(holder.dataset.migdashHeight) : holder.getBoundingClientRect().height;
    if (own < needed) {
      if (!grown) { holder.dataset.migdashHeight = holder.style.height || own + "px"; }
      if (Math.abs(holder.getBoundingClientRect().height - needed) > 1) { holder.style.height = needed + "px"; }
    } else if (grown) {
      holder.style.height = holder.dataset.migdashHeight;
      delete holder.dataset.migdashHeight;
    }
  }

  function watch(gd) {
    if (gd.dataset.migdashFit || typeof gd.on !== "function") { return; }
    gd.dataset.migdashFit = "1";
    gd.on("plotly_afterplot", function () { fit(gd); });
    fit(gd);
  }

  function scan() { document.querySelectorAll(".js-plotly-plot").forEach(watch); }

  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  // A window made narrower or wider (a phone turned, a desktop window resized): fit every chart
  // again once plotly has redrawn it at its new width (the review once saw an English title at
  // its desktop width on a 390 px screen, left unwrapped after a resize).
  let resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () { document.querySelectorAll(".js-plotly-plot").forEach(fit); }, 200);
  });
  window.addEventListener("load", scan);
})();
