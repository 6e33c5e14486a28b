/* tvdiff HTML report: navigation, views, filters, collapsed runs.
 * Input text is only ever put into the page with textContent/createTextNode. */
(function () {
  'use strict';
  var d = document;
  var root = d.documentElement;
  var body = d.body;
  var CHUNK = 2000; // rows materialised per click on a very long collapsed run
  var CTRL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

  var stops = Array.prototype.slice.call(d.querySelectorAll('tr.chg'));
  var stopIndex = new Map();
  stops.forEach(function (el, i) { stopIndex.set(el, i); });
  var cur = -1;

  var pos = d.getElementById('pos');
  var hideBox = d.getElementById('hide-punct');
  var renumBox = d.getElementById('hide-renum'); // only when something was renumbered
  var viewBtn = d.getElementById('view');
  var overview = d.getElementById('overview');
  var marks = new Map(); // change id -> overview mark
  var ovMarks = [];
  if (overview) {
    Array.prototype.forEach.call(overview.querySelectorAll('a.ov'), function (a) {
      if (!a.classList.contains('k-from')) { marks.set(a.getAttribute('data-c'), a); }
      ovMarks.push({ el: a, top: parseFloat(a.style.top) || 0 });
    });
  }
  var links = new Map(); // change id -> change-list link
  Array.prototype.forEach.call(d.querySelectorAll('#change-list a[data-c]'), function (a) {
    links.set(a.getAttribute('data-c'), a);
  });

  function active(el) {
    var cls = el.getAttribute('data-class');
    return !(body.classList.contains('hide-punct') && cls === 'punctuation') &&
      !(body.classList.contains('hide-renum') && cls === 'renumbering');
  }

  function update() {
    var n = 0;
    var k = -1;
    for (var i = 0; i < stops.length; i++) {
      if (active(stops[i])) {
        if (i === cur) { k = n; }
        n++;
      }
    }
    pos.textContent = k >= 0 ? 'change ' + (k + 1) + ' of ' + n : n + (n === 1 ? ' change' : ' changes');
  }

  function setCurrent(i, scroll) {
    if (cur >= 0) {
      var old = stops[cur];
      old.classList.remove('current');
      var c0 = old.getAttribute('data-c');
      if (marks.has(c0)) { marks.get(c0).classList.remove('cur'); }
      if (links.has(c0)) { links.get(c0).removeAttribute('aria-current'); }
    }
    cur = i;
    if (i >= 0) {
      var el = stops[i];
      el.classList.add('current');
      var c = el.getAttribute('data-c');
      if (marks.has(c)) { marks.get(c).classList.add('cur'); }
      if (links.has(c)) { links.get(c).setAttribute('aria-current', 'true'); }
      if (scroll) { el.scrollIntoView({ block: 'center' }); }
    }
    update();
  }

  // Index of the first change row below the top of the window.
  function firstBelowTop() {
    var lo = 0;
    var hi = stops.length;
    var top = d.querySelector('.toolbar') ? d.querySelector('.toolbar').getBoundingClientRect().bottom : 0;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (stops[mid].getBoundingClientRect().top < top) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function step(dir) {
    if (!stops.length) { return; }
    var i;
    if (cur >= 0) {
      i = cur + dir;
    } else {
      var f = firstBelowTop();
      i = dir > 0 ? f : f - 1;
    }
    while (i >= 0 && i < stops.length && !active(stops[i])) { i += dir; }
    if (i >= 0 && i < stops.length) { setCurrent(i, true); }
  }

  function flash(el) {
    el.classList.add('flash');
    setTimeout(function () { el.classList.remove('flash'); }, 1500);
  }

  function jumpTo(id) {
    var el = d.getElementById(id);
    if (!el) { return false; }
    if (stopIndex.has(el)) {
      setCurrent(stopIndex.get(el), true);
    } else {
      el.scrollIntoView({ block: 'center' });
      flash(el);
    }
    return true;
  }

  // Collapsed runs: rows arrive as JSON and become DOM only when expanded.
  var gapData = null;
  function gaps() {
    if (gapData === null) {
      try {
        gapData = JSON.parse(d.getElementById('tvd-gaps').textContent);
      } catch (e) {
        gapData = [];
      }
    }
    return gapData;
  }

  function fill(el, s) {
    var parts = String(s).replace(CTRL, ' ').split(/[\r\n]+/);
    for (var i = 0; i < parts.length; i++) {
      if (i > 0) {
        var nl = d.createElement('span');
        nl.className = 'nl';
        nl.textContent = '\u23CE';
        el.appendChild(nl);
      }
      if (parts[i]) { el.appendChild(d.createTextNode(parts[i])); }
    }
  }

  function cell(tr, cls, s) {
    var td = d.createElement('td');
    td.className = cls;
    if (s) { fill(td, s); }
    tr.appendChild(td);
    return td;
  }

  // [old line, old text, new line, new text or null when identical, kind]
  function makeRow(r) {
    var tr = d.createElement('tr');
    var reseg = r[4] === 1;
    var fmt = !reseg && r[3] !== null;
    tr.className = 'row ' + (reseg ? 'r-reseg' : 'r-eq') + (fmt ? ' fmt' : '');
    var mk = cell(tr, 'mk', '');
    if (reseg || fmt) {
      var label = reseg ? 'same text, split into sentences differently' : 'same wording; only ignored formatting differs';
      mk.title = label;
      var sym = d.createElement('span');
      sym.setAttribute('aria-hidden', 'true');
      sym.textContent = reseg ? '\u21C4' : '\u2248';
      var sr = d.createElement('span');
      sr.className = 'sr';
      sr.textContent = label;
      mk.appendChild(sym);
      mk.appendChild(sr);
    }
    cell(tr, 'ln lo', r[0]);
    cell(tr, 'tx to', r[1]);
    cell(tr, 'ln lnn', r[2]);
    cell(tr, 'tx tn', r[3] === null ? r[1] : r[3]);
    return tr;
  }

  function expand(tr) {
    var rows = gaps()[Number(tr.getAttribute('data-gap'))];
    if (!rows) { return; }
    var start = Number(tr.getAttribute('data-from') || 0);
    var end = Math.min(rows.length, start + CHUNK);
    var frag = d.createDocumentFragment();
    for (var k = start; k < end; k++) { frag.appendChild(makeRow(rows[k])); }
    tr.parentNode.insertBefore(frag, tr);
    if (end >= rows.length) {
      tr.parentNode.removeChild(tr);
    } else {
      var left = rows.length - end;
      tr.setAttribute('data-from', String(end));
      tr.querySelector('button.more').textContent = 'Show ' + Math.min(left, CHUNK) + ' more of ' + left + ' unchanged sentences';
      tr.querySelector('.pgap').textContent = '\u2026 ' + left + ' unchanged sentences not shown \u2026';
    }
  }

  d.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    var a = t.closest('a[href^="#c"]');
    if (a) {
      if (jumpTo(a.getAttribute('href').slice(1))) { e.preventDefault(); }
      return;
    }
    var more = t.closest('button.more');
    if (more) {
      expand(more.closest('tr.gap'));
    }
  });

  if (overview) {
    overview.addEventListener('click', function (e) {
      if (e.target !== overview || !ovMarks.length) { return; }
      var r = overview.getBoundingClientRect();
      var f = ((e.clientY - r.top) / Math.max(1, r.height)) * 100;
      var best = null;
      ovMarks.forEach(function (m) {
        if (m.el.offsetParent === null) { return; } // filtered out
        if (best === null || Math.abs(m.top - f) < Math.abs(best.top - f)) { best = m; }
      });
      if (best) { jumpTo(best.el.getAttribute('href').slice(1)); }
    });
  }

  d.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && t.nodeType === 1) {
      var tag = t.tagName;
      var typing = t.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT' ||
        (tag === 'INPUT' && !/^(checkbox|radio|button|submit|reset|range|color)$/.test(t.type));
      if (typing) { return; }
    }
    if (e.key === 'n') {
      step(1);
      e.preventDefault();
    } else if (e.key === 'p') {
      step(-1);
      e.preventDefault();
    }
  });

  d.getElementById('next').addEventListener('click', function () { step(1); });
  d.getElementById('prev').addEventListener('click', function () { step(-1); });

  // A collapsed run spans every visible column: five side by side, three
  // inline (print always shows two columns).
  function gapSpans(n) {
    Array.prototype.forEach.call(d.querySelectorAll('tr.gap > td'), function (td) { td.colSpan = n; });
  }
  window.addEventListener('beforeprint', function () { gapSpans(5); });
  window.addEventListener('afterprint', function () { gapSpans(body.classList.contains('inline') ? 3 : 5); });

  function setView(inline) {
    body.classList.toggle('inline', inline);
    body.classList.toggle('side', !inline);
    viewBtn.setAttribute('aria-pressed', inline ? 'true' : 'false');
    viewBtn.textContent = inline ? 'Side-by-side view' : 'Inline view';
    gapSpans(inline ? 3 : 5);
  }
  viewBtn.addEventListener('click', function () {
    setView(!body.classList.contains('inline'));
    if (cur >= 0) { stops[cur].scrollIntoView({ block: 'center' }); }
  });
  // Two columns of text do not fit a phone: start inline there.
  if (window.matchMedia && window.matchMedia('(max-width: 600px)').matches) { setView(true); }

  function applyFilter() {
    body.classList.toggle('hide-punct', hideBox.checked);
    if (renumBox) { body.classList.toggle('hide-renum', renumBox.checked); }
    if (cur >= 0 && !active(stops[cur])) { setCurrent(-1, false); }
    update();
  }
  function countClass(cls) {
    return String(stops.filter(function (el) { return el.getAttribute('data-class') === cls; }).length);
  }
  hideBox.addEventListener('change', applyFilter);
  d.getElementById('npunct').textContent = countClass('punctuation');
  if (renumBox) {
    renumBox.addEventListener('change', applyFilter);
    d.getElementById('nrenum').textContent = countClass('renumbering');
  }
  applyFilter(); // the browser may have restored the checkbox

  if (location.hash) { jumpTo(decodeURIComponent(location.hash.slice(1))); }
  update();
  root.setAttribute('data-ready', '1');
})();
