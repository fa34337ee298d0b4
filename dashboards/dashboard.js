// The beamline dashboard. Polls the coordinator's JSON endpoints and draws
// with the vendored Chart.js. Every number comes from the database; an
// interval is drawn as a floating bar [low, high] with the rate as a tick.
// After each successful refresh, <body data-rendered> counts refreshes and
// each canvas's data-points says how many values its chart holds (the
// headless-browser test reads them).
"use strict";

const STATUS_MS = 2000, CELLS_MS = 5000, LAYERS_MS = 15000;
const charts = {};
const PROTECTION_COLOURS = ["#3b82f6", "#ef4444", "#10b981", "#f59e0b", "#8b5cf6", "#06b6d4", "#84cc16", "#ec4899"];

function colour(index) { return PROTECTION_COLOURS[index % PROTECTION_COLOURS.length]; }
function percent(x) { return x === null || x === undefined ? "-" : (100 * x).toPrecision(3) + "%"; }
function text(id, value) { document.getElementById(id).textContent = value; }

async function get(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status + " " + (await response.text()));
  return response.json();
}

// A chart is created once and then updated in place.
function draw(id, config, points) {
  const canvas = document.getElementById(id);
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update("none");
  } else {
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options);
    charts[id] = new Chart(canvas, config);
  }
  canvas.dataset.points = String(points);
  // Elements Chart.js laid out (bars and dots with a value): nonzero once it drew data.
  const chart = charts[id];
  canvas.dataset.drawn = String(chart.data.datasets.reduce((n, d, i) =>
      n + chart.getDatasetMeta(i).data.filter((e, j) => d.data[j] !== null && d.data[j] !== undefined).length, 0));
}

// Draws each bar's rate (dataset.rates[i]) as a dark tick across its
// interval bar, so the dot always sits on its own bar.
const rateTicks = {
  id: "rateTicks",
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx, y = chart.scales.y;
    chart.data.datasets.forEach((dataset, i) => {
      if (!dataset.rates) return;
      chart.getDatasetMeta(i).data.forEach((bar, j) => {
        const rate = dataset.rates[j];
        if (rate === null || rate === undefined || dataset.data[j] === null) return;
        const py = y.getPixelForValue(rate), half = bar.width / 2;
        ctx.save();
        ctx.strokeStyle = dataset.borderColor;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.moveTo(bar.x - half, py);
        ctx.lineTo(bar.x + half, py);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

// Interval bars [low, high] with the rate as a tick, one dataset per series
// (the protection).
function intervalChart(id, labels, series, yTitle) {
  const datasets = series.map((s, i) => ({
    label: s.name, data: s.intervals, rates: s.rates.map(p => p.y), backgroundColor: colour(i) + "55",
    borderColor: colour(i), borderWidth: 1 }));
  const points = series.reduce((n, s) => n + s.rates.filter(p => p.y !== null).length, 0);
  draw(id, { type: "bar", data: { labels, datasets }, plugins: [rateTicks],
             options: { scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
                        plugins: { tooltip: { callbacks: { label: item => item.dataset.label + ": " +
                            percent(item.dataset.rates[item.dataIndex]) + " [" + percent(item.raw[0]) + ", " +
                            percent(item.raw[1]) + "]" } } } } },
       points);
}

async function refreshStatus() {
  const s = await get("api/status");
  text("campaign", s.campaign || "(no campaign)");
  const state = document.getElementById("state");
  state.textContent = s.complete ? "complete" : "running";
  state.className = "state " + (s.complete ? "complete" : "running");
  text("done", s.done.toLocaleString());
  text("planned", s.planned.toLocaleString());
  text("pending", s.pending.toLocaleString());
  text("sdc", s.sdc.toLocaleString());
  text("due", s.due.toLocaleString());
  text("rate", s.results_per_second.toFixed(1));
  text("alive", s.workers_alive + " / " + s.workers.length);
  text("reissued", s.reissued_leases.toLocaleString());
  document.getElementById("progress-fill").style.width =
      (s.planned ? Math.min(100, 100 * s.done / s.planned) : 0).toFixed(1) + "%";

  const rows = s.workers.map(w => "<tr><td>" + escape(w.id) + "</td><td>" + escape(w.device) + "</td><td>" +
      escape(w.hostname) + "</td><td>" + escape(w.state) + "</td><td>" + new Date(w.last_seen_ms).toLocaleString() +
      "</td><td class=num>" + w.results + "</td><td class=num>" + w.leased_units + "</td></tr>");
  document.querySelector("#workers tbody").innerHTML = rows.join("");

  const seconds = s.throughput.bucket_ms / 1000;
  const points = s.throughput.points;
  draw("throughput-chart", {
    type: "line",
    data: { labels: points.map(p => new Date(p[0]).toLocaleTimeString()),
            datasets: [{ label: "results/s", data: points.map(p => p[1] / seconds), borderColor: colour(0),
                         pointRadius: 1, fill: false }] },
    options: { scales: { y: { beginAtZero: true } } } }, points.length);
}

function escape(value) {
  return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function sitesOf(c) { return c.kind === "weight" ? c.selection + " p=" + c.rate : c.targets; }

async function refreshCells() {
  const cells = await get("api/cells");
  const transient = cells.filter(c => c.kind === "transient");
  const protections = [...new Set(transient.map(c => c.protection))];
  const groups = [...new Set(transient.map(c => c.model + "/" + c.dataset + "/" + c.fault + "/" + c.targets))];
  const series = protections.map(p => {
    const byGroup = Object.fromEntries(transient.filter(c => c.protection === p)
        .map(c => [c.model + "/" + c.dataset + "/" + c.fault + "/" + c.targets, c]));
    return { name: p,
             intervals: groups.map(g => byGroup[g] && byGroup[g].done ? [byGroup[g].wilson_low, byGroup[g].wilson_high] : null),
             rates: groups.map(g => ({ x: g, y: byGroup[g] && byGroup[g].done ? byGroup[g].sdc_rate : null })) };
  });
  intervalChart("cells-chart", groups, series, "SDC rate");

  const weight = cells.filter(c => c.kind === "weight" && c.accuracy !== null);
  document.getElementById("weight-figure").hidden = weight.length === 0;
  if (weight.length) {
    const rates = [...new Set(weight.map(c => c.rate))].sort((a, b) => a - b);
    const curves = [...new Set(weight.map(c => c.selection + " " + c.protection))];
    const weightSeries = curves.map(name => {
      const byRate = Object.fromEntries(weight.filter(c => c.selection + " " + c.protection === name).map(c => [c.rate, c]));
      return { name,
               intervals: rates.map(r => byRate[r] && byRate[r].accuracy_low !== null
                                             ? [byRate[r].accuracy_low, byRate[r].accuracy_high] : null),
               rates: rates.map(r => ({ x: String(r), y: byRate[r] ? byRate[r].accuracy : null })) };
    });
    intervalChart("weight-chart", rates.map(String), weightSeries, "accuracy");
  }

  document.querySelector("#cells tbody").innerHTML = cells.map(c =>
      "<tr data-cell='" + c.id + "'><td class=num>" + c.id + "</td><td>" + escape(c.model) + "</td><td>" +
      escape(c.dataset) + "</td><td>" + escape(c.fault) + "</td><td>" + escape(sitesOf(c)) + "</td><td>" +
      escape(c.protection) + "</td><td class=num>" + c.done + " / " + c.planned + "</td><td class=num>" + c.sdc +
      "</td><td class=num>" + percent(c.sdc_rate) + "</td><td class=num>" +
      (c.wilson_low === null ? "-" : "[" + percent(c.wilson_low) + ", " + percent(c.wilson_high) + "]") +
      "</td></tr>").join("");
}

async function refreshLayers() {
  const layers = await get("api/layers");
  const kinds = [...new Set(layers.map(l => l.layer))];
  const protections = [...new Set(layers.map(l => l.protection))];
  const series = protections.map(p => {
    const byLayer = Object.fromEntries(layers.filter(l => l.protection === p).map(l => [l.layer, l]));
    return { name: p,
             intervals: kinds.map(k => byLayer[k] ? [byLayer[k].wilson_low, byLayer[k].wilson_high] : null),
             rates: kinds.map(k => ({ x: k, y: byLayer[k] ? byLayer[k].sdc_rate : null })) };
  });
  intervalChart("layers-chart", kinds, series, "SDC rate");
}

// Each refresher runs on its own period; a failure shows in the footer and
// the next period tries again (the coordinator may be restarting).
function every(ms, refresh) {
  const run = async () => {
    try {
      await refresh();
      text("error", "");
      document.body.dataset.rendered = String(Number(document.body.dataset.rendered) + 1);
    } catch (error) {
      text("error", String(error));
    }
    setTimeout(run, ms);
  };
  run();
}

every(STATUS_MS, refreshStatus);
every(CELLS_MS, refreshCells);
every(LAYERS_MS, refreshLayers);
