// plotly.js by the page: a page loads the smallest official plotly.js bundle that draws its
// charts (dashboard/plotly_bundles.py names it in the index page), instead of the whole
// 4.8 MB bundle on every page.
//
// dcc.Graph uses window.Plotly when it is defined as the first graph renders (it loads Dash's
// full plotly.min.js only otherwise), and calls window.Plotly.react(...) for every figure.
// window.Plotly is therefore a stand-in, defined before Dash's renderer starts: every call goes
// to the bundle loaded; a figure with a trace type that bundle lacks (a map reached from the
// overview through Dash's router) first loads the smallest bundle drawing both what is already
// on the screen and the new figure, then draws. Bundles are never mixed: a bundle, once loaded,
// stays until one covering it replaces it. Without the configuration (no app.py index), Dash's
// own full bundle is used.
(function () {
  "use strict";

  let config;
  try {
    config = JSON.parse(document.getElementById("migdash-plotly").textContent);
  } catch (err) { return; }

  const bundles = config.bundles; // smallest first; the last one draws every trace type
  const state = { loads: [], upgrades: [] }; // which bundles loaded, and why: read by tests and bench/
  window.migdashPlotly = state;
  let current = null; // the plotly.js object of the bundle loaded
  let currentBundle = null; // and its name
  let pending = null; // the bundle whose script runs next: its `window.Plotly = ...` names it
  let inFlight = null; // Promise of the bundle being loaded

  function named(name) { return bundles.find(function (b) { return b.name === name; }); }

  function covers(bundle, types) {
    return bundle.types === "*" || types.every(function (type) { return bundle.types.indexOf(type) >= 0; });
  }

  function load(bundle) {
    pending = bundle.name;
    state.loads.push(bundle.name);
    inFlight = new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = bundle.url;
      script.async = true;
      script.onload = function () {
        if (currentBundle === bundle.name) { resolve(current); } else { reject(new Error("plotly.js bundle " + bundle.name + " defined no Plotly")); }
      };
      script.onerror = function () { reject(new Error("plotly.js bundle " + bundle.name + " did not load")); };
      document.head.appendChild(script);
    }).finally(function () { inFlight = null; });
    return inFlight;
  }

  function traceTypes(args) {
    const figure = args[1];
    const data = Array.isArray(figure) ? figure : (figure && figure.data) || [];
    const types = data.map(function (trace) { return (trace && trace.type) || "scatter"; });
    return types.filter(function (type, i) { return types.indexOf(type) === i; });
  }

  // What a bundle must draw from now on: every figure on the screen, and the new one.
  function drawnTypes() {
    const types = [];
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      (gd.data || []).forEach(function (trace) { types.push((trace && trace.type) || "scatter"); });
    });
    return types;
  }

  function ready(types) {
    if (inFlight) { // wait for the bundle on its way, then look again
      return inFlight.then(function () { return ready(types); }, function () { return ready(types); });
    }
    if (!currentBundle) { // asked before DOMContentLoaded, or a page that started without charts
      const first = named(config.initial) || bundles.find(function (b) { return covers(b, types); }) || bundles[bundles.length - 1];
      return load(first).then(function () { return ready(types); });
    }
    if (covers(named(currentBundle), types)) { return Promise.resolve(current); }
    const wanted = types.concat(drawnTypes());
    const next = bundles.find(function (b) { return covers(b, wanted); }) || bundles[bundles.length - 1];
    state.upgrades.push({ from: currentBundle, to: next.name, types: types });
    return load(next);
  }

  function drawing(name) {
    return function () {
      const args = Array.prototype.slice.call(arguments);
      return ready(traceTypes(args)).then(function (plotly) { return plotly[name].apply(plotly, args); });
    };
  }

  const standIn = {
    react: drawing("react"),
    newPlot: drawing("newPlot"),
  };

  // Before any bundle has run, a resize or an unmount finds nothing to do (as plotly.js would).
  const idle = { Plots: { resize: function () { return Promise.resolve(); } }, purge: function () {} };

  const facade = new Proxy(standIn, {
    get: function (target, key) {
      if (key in target) { return target[key]; }
      return current ? current[key] : idle[key];
    },
    has: function (target, key) { return key in target || (!!current && key in current); },
  });

  // Each bundle ends with `window.Plotly = Plotly;`: the setter keeps it as the loaded one.
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () { return facade; },
    set: function (plotly) {
      if (plotly && plotly !== facade) {
        current = plotly;
        currentBundle = pending;
      }
    },
  });

  // The page's bundle downloads from the start (a preload in <head>) and, as an async script,
  // runs as soon as it has arrived: while the parser still waits for Dash's larger scripts, in
  // time the main thread would otherwise spend idle, rather than after them, when it delays
  // the renderer's first requests. A figure arriving before then waits for it (ready()). A page without charts (initial: null) loads none until
  // a chart comes.
  function start() { if (config.initial && !inFlight && !currentBundle) { load(named(config.initial)); } }
  start();
})();
