// herald's dashboard works without this script. With it, a post's length as
// its network counts it (X's weighted characters, Bluesky's graphemes, a
// Mastodon server's characters) updates as the editor types: herald's
// server does the counting, through /api/v1/preview. And times are shown
// and entered in the editor's own time zone instead of UTC.
(function () {
  'use strict';

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : '';

  // Live counter: a textarea's data-counter names the elements (space
  // separated) that show "length / limit". An element's data-destination,
  // when set, names the destination whose count it shows (its network's);
  // without it, X's. One preview counts the text for every destination.
  function liveCounter(textarea) {
    var outs = textarea.dataset.counter.split(/\s+/).map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    if (!outs.length) return;
    var timer = 0, seq = 0;

    function show(out, text, weighted, max, valid) {
      var limit = out.querySelector('.limit'), note = out.querySelector('.note'), who = out.dataset.who || 'X';
      out.querySelector('.n').textContent = String(weighted);
      limit.textContent = String(max);
      var over = weighted > max;
      out.classList.toggle('over', over);
      note.textContent = over ? ' — too long for ' + who + ', by ' + (weighted - max) : '';
      out.countedText = text;
      out.dataset.state = 'ok';
      return over || (!valid && text.trim() !== '');
    }

    function showAll(text, res) {
      var bad = false;
      outs.forEach(function (out) {
        var dest = out.dataset.destination || '', mine = null;
        if (!res) {
          bad = show(out, text, 0, Number(out.querySelector('.limit').textContent) || 280, false) || bad;
          return;
        }
        (res.destinations || []).forEach(function (d) { if (d.name === dest) mine = d; });
        if (dest && mine) bad = show(out, text, mine.length, mine.limit, mine.valid) || bad;
        else bad = show(out, text, res.weighted_length, res.limit, res.valid) || bad;
      });
      if (bad) textarea.setAttribute('aria-invalid', 'true');
      else textarea.removeAttribute('aria-invalid');
    }

    function count() {
      var text = textarea.value, mine = ++seq;
      if (text === '') { showAll(text, null); return; }
      fetch('/api/v1/preview', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ text: text })
      }).then(function (resp) {
        if (!resp.ok) throw new Error('HTTP ' + resp.status);
        return resp.json();
      }).then(function (res) {
        if (mine === seq) showAll(text, res);
      }).catch(function () {
        if (mine !== seq) return;
        outs.forEach(function (out) {
          out.dataset.state = 'error';
          out.querySelector('.note').textContent = ' — could not count just now; herald checks again when you save';
        });
      });
    }

    textarea.addEventListener('input', function () {
      outs.forEach(function (out) { out.dataset.state = 'busy'; });
      clearTimeout(timer);
      timer = setTimeout(count, 250);
    });
  }
  document.querySelectorAll('textarea[data-counter]').forEach(liveCounter);

  // Times: datetime-local fields hold UTC from the server; show them in the
  // editor's time, and tell the server the offset when the form is sent.
  function pad(v) { return String(v).padStart(2, '0'); }
  function localValue(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  var zone = '';
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* an old browser */ }
  document.querySelectorAll('input[type="datetime-local"]').forEach(function (input) {
    if (input.dataset.utc && input.value) {
      var d = new Date(input.dataset.utc);
      if (!isNaN(d)) input.value = localValue(d);
    }
    var label = input.id && document.querySelector('label[for="' + input.id + '"] .tz');
    if (label) label.textContent = zone ? '(your time, ' + zone + ')' : '(your time)';
    var form = input.form;
    if (!form) return;
    form.addEventListener('submit', function () {
      var tz = form.querySelector('input[name="tz"]');
      if (!tz) return;
      var d = new Date(input.value);
      tz.value = input.value && !isNaN(d) ? String(d.getTimezoneOffset()) : '';
    });
  });
  document.querySelectorAll('time[data-local]').forEach(function (el) {
    var d = new Date(el.dateTime);
    if (isNaN(d)) return;
    el.title = el.textContent;
    el.textContent = d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  });
})();
