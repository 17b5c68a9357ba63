// convene's shared page: the session on a participant's own screen, read-only.
// Fed by server-sent events (the log's sequence number as the id); counts down by itself from
// the stage's deadline, corrected for this device's clock offset from the laptop's.
'use strict';
(function () {
  const base = location.pathname.replace(/\/?$/, '/');
  const $ = (id) => document.getElementById(id);
  const store = {
    get(k) { try { return localStorage.getItem('convene-' + k); } catch (e) { return null; } },
    set(k, v) { try { localStorage.setItem('convene-' + k, v); } catch (e) { /* private mode */ } },
  };
  let view = null;
  let last = null;        // the last event id seen
  let offsets = [];       // laptop clock minus this device's, one per clock event (the last 4)
  let heard = Date.now(); // when the laptop was last heard
  let ended = false;
  let audio = null;
  let source = null;
  let timer = null;       // the next tick
  // A link may name the view and the person: …/#view=me&me=Ann (remembered from then on).
  const asked = new URLSearchParams(location.hash.slice(1));
  if (asked.get('view')) store.set('view', asked.get('view'));
  if (asked.get('me')) store.set('me', asked.get('me'));
  let tab = store.get('view') || 'room';
  if (!['room', 'group', 'me'].includes(tab)) tab = 'room';
  let me = store.get('me') || '';
  let myGroup = store.get('group');

  // The least delayed of the last four samples (a late one underestimates the laptop's clock);
  // only the last four, so a device clock that runs fast or slow is followed within a minute.
  const offset = () => (offsets.length ? Math.max(...offsets) : 0);
  const now = () => Date.now() + offset();

  function clockText(s) {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? h + ':' + two(m) + ':' + two(r) : two(m) + ':' + two(r);
  }
  function plainClock(s) {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? h + ':' + two(m) + ':' + two(r) : m + ':' + two(r);
  }
  function remaining() {
    const c = view && view.clock;
    if (!c) return null;
    return c.deadline == null ? c.remaining_ms : c.deadline - now();
  }
  // The state word and the countdown, as the projector shows them.
  function phase() {
    if (!view) return ['…', 'none', '--:--'];
    if (view.status === 'ended') return ['ENDED', 'ended', '--:--'];
    if (view.status === 'ready') return ['READY', 'ready', '--:--'];
    const r = remaining();
    if (r == null) return ['RUNNING', 'running', '--:--'];
    let text;
    if (r > 0) text = clockText(Math.ceil(r / 1000));
    else { const s = Math.floor(-r / 1000); text = s === 0 ? '00:00' : '+' + plainClock(s); }
    if (view.status === 'paused') {
      // After q then l, as the mirror says it.
      return [view.left ? 'PAUSED · left, to resume later' : 'PAUSED', 'paused', text];
    }
    const c = view.clock;
    if (r > 0) return c.warn_ms != null && r <= c.warn_ms ? ['WRAP UP', 'wrap', text] : ['RUNNING', 'running', text];
    const past = -r;
    if (c.range_ms > 0 && past < c.range_ms) return ['IN RANGE', 'running', text];
    const over = past - c.range_ms;
    if (over < 1000) return ['TIME', 'time', text];
    return ['+' + plainClock(Math.floor(over / 1000)) + ' OVER', 'over', text];
  }
  function tick() {
    const [word, cls, text] = phase();
    $('state').textContent = word;
    $('count').textContent = text;
    document.body.dataset.phase = cls;
    if (!ended && source && Date.now() - heard > 40000) reconnect();
    // Each shown second changes when the laptop's does: the next tick is due just after the
    // countdown crosses a whole second (at most a second away), else in a fifth of a second.
    // Every tick (a new event, a clock sample) sets the next one again.
    const r = view && view.status === 'running' ? remaining() : null;
    const wait = r == null ? 200 : (((r % 1000) + 1000) % 1000) + 2;
    clearTimeout(timer);
    timer = setTimeout(tick, Math.min(wait, 1000));
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  const who = (label, names) => (names && names.length ? label + ' (' + names.join(', ') + ')' : label);
  function cueLine(c) {
    const p = el('p', 'line ' + (c.silent ? 'silent' : 'speak'));
    p.append(el('span', 'tag', c.silent ? 'Silent' : 'Speak'), ' ' + who(c.label, c.names) + ': ' + c.cue);
    return p;
  }
  function groupLine(g, i) {
    return el('p', 'line', 'Group ' + (i + 1) + ': ' + g.map((m) => m.label + ' ' + m.name).join(' · '));
  }
  function groupOf(name, groups) {
    for (let i = 0; i < groups.length; i++) {
      const m = groups[i].find((x) => x.name === name);
      if (m) return [i, m];
    }
    return [-1, null];
  }
  function roleMessage(m) {
    return m.label ? who(m.label, m.names) + ': ' + m.message : m.message;
  }

  function renderRoom(box) {
    view.cues.forEach((c) => box.append(cueLine(c)));
    if (view.timed) box.append(el('p', 'line warn', roleMessage(view.timed)));
    const [, cls] = phase();
    if (view.warning && (cls === 'wrap' || cls === 'time' || cls === 'over')) box.append(el('p', 'line warn', roleMessage(view.warning)));
    view.groups.forEach((g, i) => box.append(groupLine(g, i)));
    if (view.next_stage) box.append(el('p', 'line where', 'Next: ' + stageName(view.next_stage)));
  }
  function renderGroup(box) {
    const groups = view.groups.length ? view.groups : view.next_groups;
    if (!groups.length) { box.append(el('p', 'line', 'No groups yet.')); return; }
    let gi = myGroup != null ? Number(myGroup) : -1;
    if (me) { const [i] = groupOf(me, groups); if (i >= 0) gi = i; }
    const pick = el('select');
    pick.id = 'pick-group';
    groups.forEach((g, i) => { const o = el('option', null, 'Group ' + (i + 1)); o.value = String(i); pick.append(o); });
    if (gi < 0 || gi >= groups.length) gi = 0;
    pick.value = String(gi);
    pick.addEventListener('change', () => { myGroup = pick.value; store.set('group', pick.value); render(); });
    box.append(pick);
    const g = groups[gi];
    box.append(el('p', 'big', 'Group ' + (gi + 1) + (view.round ? ' · Round ' + view.round : '')));
    g.forEach((m) => {
      const c = view.cues.find((x) => x.role === m.role);
      box.append(el('p', 'line', m.label + ': ' + m.name + (c ? ' · ' + c.cue : '')));
    });
    view.cues.filter((c) => c.role === 'everyone' || c.role === 'facilitator').forEach((c) => box.append(cueLine(c)));
    if (view.timed) box.append(el('p', 'line warn', roleMessage(view.timed)));
    if (view.warning) box.append(el('p', 'line warn', 'At wrap-up: ' + roleMessage(view.warning)));
  }
  function renderMe(box) {
    const pick = el('select');
    pick.id = 'pick-me';
    const none = el('option', null, 'Pick your name…'); none.value = ''; pick.append(none);
    view.people.forEach((n) => { const o = el('option', null, n); o.value = n; pick.append(o); });
    pick.value = view.people.includes(me) ? me : '';
    pick.addEventListener('change', () => { me = pick.value; store.set('me', me); render(); });
    box.append(pick);
    if (!me || !view.people.includes(me)) return;
    const [gi, m] = groupOf(me, view.groups);
    const you = el('p', 'big you');
    you.id = 'you';
    const parts = [];
    if (view.round) parts.push('Round ' + view.round);
    if (m) parts.push('you are the ' + m.label);
    else if (view.groups.length) parts.push('you have no role this round');
    if (gi >= 0) parts.push('Group ' + (gi + 1));
    you.textContent = parts.join(' · ') || me;
    box.append(you);
    const mine = view.cues.filter((c) => (m && c.role === m.role) || c.role === 'everyone');
    mine.forEach((c) => { const p = el('p', 'line you', (c.silent ? 'stay silent · ' : 'speak · ') + c.cue); p.id = 'my-cue'; box.append(p); });
    if (view.warning && m && view.warning.role === m.role) box.append(el('p', 'line warn', view.warning.message + ' (at wrap-up)'));
    if (view.timed && m && view.timed.role === m.role) box.append(el('p', 'line warn', view.timed.message));
    const [, next] = groupOf(me, view.next_groups);
    if (next) { const p = el('p', 'line', 'Next round you are the ' + next.label); p.id = 'my-next'; box.append(p); }
    if (view.next_stage) box.append(el('p', 'line where', 'Next stage: ' + stageName(view.next_stage)));
  }
  function stageName(s) { return s.subtitle ? s.name + ' — ' + s.subtitle : s.name; }

  function render() {
    for (const t of ['room', 'group', 'me']) {
      $(t).hidden = t !== tab;
      $('tab-' + t).setAttribute('aria-pressed', String(t === tab));
    }
    if (!view) return;
    // The message to the room, large, until the facilitator takes it away.
    $('message').hidden = !view.message;
    $('message').textContent = view.message || '';
    $('stage').textContent = view.stage ? stageName(view.stage) : view.protocol;
    $('where').textContent = view.stage ? 'Stage ' + view.stage.pos + ' of ' + view.stage.count + (view.round ? ' · Round ' + view.round + ' of ' + view.rounds : '') : '';
    const box = $(tab);
    box.replaceChildren();
    if (tab === 'room') renderRoom(box); else if (tab === 'group') renderGroup(box); else renderMe(box);
    tick();
  }

  // A warning, TIME, or a timed cue for my role: a full-screen flash, a chime, a vibration.
  function alertFor(v) {
    let text = null, time = false;
    if (v.kind === 'warning-reached') text = 'WRAP UP' + (v.warning ? ' · ' + roleMessage(v.warning) : '');
    else if (v.kind === 'time-up') { text = 'TIME'; time = true; }
    else if (v.kind === 'cue-reached' && v.timed) {
      const [, m] = groupOf(me, v.groups);
      if (!v.timed.role || (m && m.role === v.timed.role) || (tab !== 'me')) text = roleMessage(v.timed);
    }
    if (!text) return;
    const f = $('flash');
    $('flash-text').textContent = text;
    f.className = time ? 'time' : '';
    f.hidden = false;
    setTimeout(() => { f.hidden = true; }, 3000);
    chime(time ? 3 : 1);
    if (navigator.vibrate) navigator.vibrate(time ? [300, 150, 300, 150, 300] : [250]);
  }
  function chime(count) {
    if (!audio) return;
    for (let i = 0; i < count; i++) {
      const o = audio.createOscillator(), g = audio.createGain();
      const t = audio.currentTime + i * 0.35;
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      o.connect(g).connect(audio.destination);
      o.start(t); o.stop(t + 0.32);
    }
  }

  function onView(e) {
    heard = Date.now();
    const v = JSON.parse(e.data);
    last = e.lastEventId || last;
    const fresh = Math.abs(now() - v.at) < 5000;
    view = v;
    setLink('');
    render();
    if (fresh) alertFor(v);
    if (v.status === 'ended') finish();
  }
  function onClock(e) {
    heard = Date.now();
    const c = JSON.parse(e.data);
    offsets.push(c.now - Date.now());
    if (offsets.length > 4) offsets.shift();
    setLink('');
    tick();
  }
  function setLink(text, bad) {
    const p = $('link');
    p.textContent = text || (view ? view.protocol + ' · live' : 'connecting…');
    p.className = bad ? 'link bad' : 'link';
  }
  function finish() {
    ended = true;
    if (source) source.close();
    source = null;
    setLink('the session has ended', true);
    document.body.dataset.ended = 'true';
  }
  function connect() {
    const url = base + 'events' + (last != null ? '?last=' + encodeURIComponent(last) : '');
    source = new EventSource(url);
    source.addEventListener('message', onView);
    source.addEventListener('clock', onClock);
    source.addEventListener('error', () => {
      if (ended) return;
      // Closed for good: the laptop answered, but no longer shares this session.
      if (source && source.readyState === EventSource.CLOSED) finish();
      else setLink('reconnecting…', true);
    });
  }
  function reconnect() {
    if (source) source.close();
    setLink('reconnecting…', true);
    heard = Date.now();
    connect();
  }

  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => {
    tab = b.dataset.view; store.set('view', tab); render();
  }));
  $('sound').addEventListener('click', () => {
    const A = window.AudioContext || window.webkitAudioContext;
    if (A && !audio) audio = new A();
    if (audio) audio.resume();
    chime(1);
    $('sound').textContent = 'Sound on';
  });
  $('flash').addEventListener('click', () => { $('flash').hidden = true; });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && !ended && Date.now() - heard > 20000) reconnect(); });
  render();
  connect();
  tick();
})();
