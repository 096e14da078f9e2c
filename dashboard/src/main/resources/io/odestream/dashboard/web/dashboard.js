'use strict';
// The odestream dashboard page. Server-sent events bring what changed; one requestAnimationFrame
// callback per frame draws it. The update loop — parsing and applying the pushes, then drawing — is
// timed per frame for window.__odestream.frames(). The selected series' detail is fetched when it changes.
(function () {
  const LIST_ROWS = 50;           // rows drawn: the top of the sorted, filtered list (the rest by search)
  const FRAME_SAMPLES = 600;      // update-loop durations kept for the frame statistics
  const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
  const MARKER_HIT_PX = 8;

  const series = new Map();       // id -> latest summary from the server
  let strip = null;
  let selected = null;
  let detail = null;
  let query = '';
  let listDirty = true, stripDirty = false, chartDirty = false, framePending = false;
  let detailLoading = false, detailStale = false;
  let plot = null, plotKey = null, markers = [];
  const frameTimes = new Float64Array(FRAME_SAMPLES);
  let frameCount = 0, frameMax = 0;
  let parts = { apply: 0, strip: 0, list: 0, chart: 0 }; // where the update loop's time went, summed

  const $ = (id) => document.getElementById(id);
  const listEl = $('series-list'), countEl = $('list-count'), chartEl = $('chart'), tooltipEl = $('tooltip');
  const rows = [];

  // The test hook: the page's state as the tests (and a curious operator) read it.
  const hook = window.__odestream = {
    updates: 0,
    chart: null,
    get seriesCount() { return series.size; },
    get selected() { return selected; },
    listed() { return Array.from(listEl.children).filter((li) => !li.hidden).map((li) => li.dataset.seriesId); },
    select(id) { select(id); },
    frames() {
      const n = Math.min(frameCount, FRAME_SAMPLES);
      const sorted = Array.from(frameTimes.subarray(0, n)).sort((a, b) => a - b);
      return { count: frameCount, p95: n ? sorted[Math.min(n - 1, Math.floor(0.95 * n))] : 0, max: frameMax,
               mean: n ? sorted.reduce((a, b) => a + b, 0) / n : 0, totals: { ...parts } };
    },
    resetFrames() { frameCount = 0; frameMax = 0; parts = { apply: 0, strip: 0, list: 0, chart: 0 }; },
    // where the i-th alert marker is on the screen (client pixels), and the tooltip's text when one shows
    markerPoint(i) {
      const m = markers[i];
      if (!plot || !m) return null;
      const r = plot.over.getBoundingClientRect();
      return { x: r.left + plot.valToPos(m.alert.time / 1000, 'x'), y: r.top + (m.y == null ? 6 : plot.valToPos(m.y, 'y')) };
    },
    tooltip() { return tooltipEl.hidden ? null : tooltipEl.textContent; },
    heapBytes() { return performance.memory ? performance.memory.usedJSHeapSize : null; },
  };

  const source = new EventSource('/api/updates');
  source.addEventListener('snapshot', (e) => { series.clear(); timed(() => apply(JSON.parse(e.data))); });
  source.addEventListener('update', (e) => timed(() => apply(JSON.parse(e.data))));

  // Parsing and applying a push is part of the update loop: its time is added to the next frame's.
  let pendingWork = 0;
  function timed(work) {
    const t0 = performance.now();
    work();
    pendingWork += performance.now() - t0;
  }

  const linked = new URLSearchParams(location.hash.slice(1)).get('series');
  if (linked) select(linked);

  $('search').addEventListener('input', (e) => { query = e.target.value.trim().toLowerCase(); listDirty = true; schedule(); });

  function apply(update) {
    hook.updates++;
    strip = update.strip;
    stripDirty = true;
    for (const s of update.series) {
      series.set(s.id, s);
      if (s.id === selected) refreshDetail();
    }
    for (const id of update.evicted) series.delete(id);
    if (update.full || update.series.length || update.evicted.length) listDirty = true;
    schedule();
  }

  function schedule() {
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(frame);
    }
  }

  function frame() {
    framePending = false;
    const t0 = performance.now();
    if (stripDirty) renderStrip();
    const t1 = performance.now();
    if (listDirty) renderList();
    const t2 = performance.now();
    if (chartDirty) renderChart();
    const t3 = performance.now();
    parts.apply += pendingWork;
    parts.strip += t1 - t0;
    parts.list += t2 - t1;
    parts.chart += t3 - t2;
    const dt = t3 - t0 + pendingWork;
    pendingWork = 0;
    frameTimes[frameCount % FRAME_SAMPLES] = dt;
    frameCount++;
    if (dt > frameMax) frameMax = dt;
  }

  // ---- the strip ------------------------------------------------------------------------------
  function renderStrip() {
    stripDirty = false;
    if (!strip) return;
    setText('events-per-second', strip.eventsPerSecond.toFixed(1));
    setText('alerts-last-hour', String(strip.alertsLastHour));
    setText('dead-letters-per-minute', String(strip.deadLettersPerMinute));
    setText('late-per-minute', String(strip.latePerMinute));
    const s = strip.serving;
    setText('serving-version', s ? `${s.modelId} v${s.version}` : 'no model yet');
    $('serving-version').parentElement.title = s ? `the served model (${s.source}) and its validation metrics` : '';
    setText('serving-metrics', s ? Object.entries(s.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join('  ') : '');
    $('problems').hidden = strip.problems === 0;
    setText('problem-count', String(strip.problems));
    $('problems').title = strip.lastProblem || '';
  }

  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
  }

  // ---- the list -------------------------------------------------------------------------------
  function byScore(a, b) {
    const d = (b.score ?? -Infinity) - (a.score ?? -Infinity);
    return d > 0 ? 1 : d < 0 ? -1 : (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  function renderList() {
    listDirty = false;
    const matching = [];
    for (const s of series.values()) {
      if (!query || s.id.toLowerCase().includes(query)) matching.push(s);
    }
    matching.sort(byScore);
    const shown = Math.min(LIST_ROWS, matching.length);
    while (rows.length < shown) rows.push(makeRow());
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (i >= shown) {
        row.li.hidden = true;
        continue;
      }
      row.li.hidden = false;
      if (row.summary !== matching[i]) fillRow(row, matching[i]); // a changed summary is a new object
      const isSelected = row.summary.id === selected;
      if (row.li.classList.contains('selected') !== isSelected) row.li.classList.toggle('selected', isSelected);
    }
    const text = shown < matching.length ? `top ${shown} of ${matching.length} by alert score; search to narrow`
      : `${matching.length} series`;
    if (countEl.textContent !== text) countEl.textContent = text;
  }

  function makeRow() {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    const score = document.createElement('span');
    score.className = 'score';
    const canvas = document.createElement('canvas');
    canvas.width = 72;
    canvas.height = 18;
    li.append(name, canvas, score);
    listEl.appendChild(li);
    const row = { li, name, score, canvas, summary: null };
    li.addEventListener('click', () => select(row.summary.id));
    return row;
  }

  function fillRow(row, s) {
    row.summary = s;
    row.li.dataset.seriesId = s.id;
    row.li.dataset.score = s.score == null ? '' : String(s.score);
    row.name.textContent = s.id;
    row.score.textContent = s.score == null ? '' : s.score.toFixed(1);
    sparkline(row.canvas, s.sparkline);
  }

  function sparkline(canvas, values) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    let lo = Infinity, hi = -Infinity;
    for (const v of values) {
      if (v != null) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    if (!(hi >= lo)) return;
    const span = hi - lo || 1;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v == null) { pen = false; continue; }
      const x = values.length > 1 ? i * (w - 1) / (values.length - 1) : w / 2;
      const y = h - 1 - (v - lo) / span * (h - 2);
      if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.strokeStyle = '#3d6fb6';
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  // ---- the selected series --------------------------------------------------------------------
  function select(id) {
    selected = id;
    history.replaceState(null, '', '#series=' + encodeURIComponent(id)); // a link that opens this series
    detail = null;
    listDirty = true;
    $('selected-title').textContent = id;
    refreshDetail();
    schedule();
  }

  function refreshDetail() {
    if (detailLoading) { detailStale = true; return; }
    detailLoading = true;
    const id = selected;
    fetch('/api/series/' + encodeURIComponent(id))
      .then((r) => (r.ok ? r.json() : null))
      .then((d) => {
        if (id === selected && d) { detail = d; chartDirty = true; schedule(); }
      })
      .catch(() => {})
      .finally(() => {
        detailLoading = false;
        if (detailStale) { detailStale = false; refreshDetail(); }
      });
  }

  function renderChart() {
    chartDirty = false;
    const d = detail;
    if (!d) return;
    const f = d.forecast;
    const times = new Set(d.times);
    if (f) f.times.forEach((t) => times.add(t));
    d.alerts.forEach((a) => times.add(a.time));
    const xs = Array.from(times).sort((a, b) => a - b);
    const pos = new Map(xs.map((t, i) => [t, i]));
    const n = xs.length;
    const data = [xs.map((t) => t / 1000)];
    const config = [{}];
    const bands = [];
    let observations = 0;
    let lastObservation = null;
    d.channels.forEach((name, c) => {
      const color = COLORS[c % COLORS.length];
      const obs = new Array(n).fill(null);
      for (let i = 0; i < d.times.length; i++) {
        const v = d.values[c][i];
        if (v != null) {
          obs[pos.get(d.times[i])] = v;
          observations++;
          if (lastObservation == null || d.times[i] > lastObservation) lastObservation = d.times[i];
        }
      }
      data.push(obs);
      config.push({ label: name, stroke: color, width: 1, paths: () => null,
                    points: { show: true, size: 5, stroke: color, fill: color } });
    });
    let forecastUntil = null;
    if (f) {
      forecastUntil = f.times.length ? f.times[f.times.length - 1] : null;
      d.channels.forEach((name, c) => {
        const color = COLORS[c % COLORS.length];
        const first = data.length;
        for (const [key, label] of [['q95', '95 %'], ['q05', '5 %'], ['hi50', '75 %'], ['lo50', '25 %'], ['mean', 'forecast']]) {
          const arr = new Array(n).fill(null);
          f.times.forEach((t, i) => { arr[pos.get(t)] = f[key][c][i]; });
          data.push(arr);
          const isMean = key === 'mean';
          config.push({ label: `${name} ${label}`, stroke: isMean ? color : 'transparent', width: isMean ? 1.5 : 1,
                        dash: isMean ? [6, 4] : undefined, spanGaps: true, points: { show: false } });
        }
        bands.push({ series: [first, first + 1], fill: color + '26' });
        bands.push({ series: [first + 2, first + 3], fill: color + '4d' });
      });
    }
    markers = d.alerts.map((a) => ({ alert: a, y: markerValue(a) }));
    const key = d.id + '|' + d.channels.join(',') + '|' + (f ? 'f' : '');
    const size = { width: Math.max(400, chartEl.clientWidth || 900), height: 420 };
    if (plot && plotKey === key) {
      plot.setData(data);
    } else {
      if (plot) plot.destroy();
      plotKey = key;
      plot = new uPlot({
        ...size, series: config, bands,
        scales: { x: { time: true } },
        legend: { live: false },
        hooks: { draw: [drawOverlay], setCursor: [hover] },
      }, data, chartEl);
      // the legend names channels and forecasts; the band edges are explained by the note below the chart
      const edges = new Set(config.filter((s) => s.stroke === 'transparent').map((s) => s.label));
      plot.root.querySelectorAll('.u-legend .u-series').forEach((entry) => {
        const label = entry.querySelector('.u-label');
        if (label && edges.has(label.textContent)) entry.style.display = 'none';
      });
    }
    const state = {
      seriesId: d.id,
      observations,
      lastObservationTime: lastObservation,
      forecastUntil,
      bandPoints: f ? f.times.length : 0,
      alertMarkers: d.alerts.map((a) => ({ time: a.time, kind: a.kind, score: a.score })),
      modelRules: d.modelChanges.length,
    };
    hook.chart = state;
    chartEl.dataset.seriesId = d.id;
    chartEl.dataset.observations = String(observations);
    chartEl.dataset.lastObservation = String(lastObservation ?? '');
    chartEl.dataset.forecastUntil = String(forecastUntil ?? '');
    chartEl.dataset.alertTimes = d.alerts.map((a) => a.time).join(',');
  }

  // An alert's marker sits on its most surprising channel's observed value (else on the top of the plot).
  function markerValue(a) {
    let worst = -1;
    for (let c = 0; c < a.z.length; c++) {
      if (a.z[c] != null && a.observed[c] != null && (worst < 0 || Math.abs(a.z[c]) > Math.abs(a.z[worst]))) worst = c;
    }
    return worst < 0 ? null : a.observed[worst];
  }

  function drawOverlay(u) {
    const ctx = u.ctx;
    const top = u.bbox.top, bottom = u.bbox.top + u.bbox.height;
    ctx.save();
    // model changes: vertical rules
    ctx.strokeStyle = '#6b7486';
    ctx.setLineDash([2, 3]);
    ctx.lineWidth = 1;
    for (const m of detail ? detail.modelChanges : []) {
      const x = u.valToPos(m.time / 1000, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.fillStyle = '#6b7486';
      ctx.fillText(`v${m.version} ${m.action.toLowerCase()}`, x + 3, top + 10);
    }
    ctx.setLineDash([]);
    // alerts: red diamonds
    for (const m of markers) {
      const x = u.valToPos(m.alert.time / 1000, 'x', true);
      const y = m.y == null ? top + 6 : u.valToPos(m.y, 'y', true);
      const r = 6 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath();
      ctx.fillStyle = m.alert.kind === 'ANOMALY' ? '#d32f2f' : '#7b1fa2';
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
    ctx.restore();
  }

  function hover(u) {
    const left = u.cursor.left, top = u.cursor.top;
    let hit = null;
    if (left != null && left >= 0) {
      for (const m of markers) {
        const x = u.valToPos(m.alert.time / 1000, 'x');
        const y = m.y == null ? 6 : u.valToPos(m.y, 'y');
        if (Math.abs(x - left) <= MARKER_HIT_PX && Math.abs(y - top) <= MARKER_HIT_PX) { hit = m; break; }
      }
    }
    if (!hit) { tooltipEl.hidden = true; return; }
    const a = hit.alert;
    const z = a.z.map((v, c) => `${detail.channels[c]} z ${v == null ? '–' : v.toFixed(1)}`).join('\n');
    tooltipEl.textContent = `${a.kind} at ${new Date(a.time).toISOString()}\nscore ${fmt(a.score)} (threshold ${fmt(a.threshold)})`
      + (a.probability == null ? '' : `\np ${a.probability.toFixed(3)}`) + `\nmodel v${a.modelVersion}\n${z}`
      + (a.message ? `\n${a.message}` : '');
    const over = u.over.getBoundingClientRect(), host = $('detail').getBoundingClientRect();
    tooltipEl.style.left = (over.left - host.left + left + 12) + 'px';
    tooltipEl.style.top = (over.top - host.top + top + 12) + 'px';
    tooltipEl.hidden = false;
  }

  function fmt(v) {
    return v == null || !isFinite(v) ? '–' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
  }
})();
