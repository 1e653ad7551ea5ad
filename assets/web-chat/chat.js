// The web chat page: a visitor token kept in localStorage and sent as a bearer header (no cookie,
// so the page works in an iframe on another site), what the visitor does posted as events with
// their own ids (posting one again is harmless), and a long poll for the bot's messages.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('config').textContent);
  var strings = config.strings;
  var TOKEN_KEY = 'danvan-web-chat-token';
  var log = document.getElementById('log');
  var statusLine = document.getElementById('status');
  var form = document.getElementById('compose');
  var input = document.getElementById('text');
  var photo = document.getElementById('photo');
  var personas = document.getElementById('persona');
  var token = null;
  // The id of the last message shown; the next poll asks for what came after it.
  var last = 0;
  // Bumped when the visitor changes, so that polls for the previous one stop.
  var generation = 0;
  // Shown while the page was hidden: reported as read once it is seen.
  var unread = [];
  // The visitor's own words, kept in this browser with the id of the bot's message they followed
  // (and, for a button pressed, the message it was on): the server keeps only the bot's
  // messages, and a reload would show half the conversation.
  var MINE_KEY = 'danvan-web-chat-mine:';
  var MINE_KEPT = 200;
  var said = [];
  // How many of `said` are on the page.
  var shownMine = 0;

  function kept() {
    try { return localStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  function keep(value) {
    // Storage may be refused (private windows, strict settings): the chat then lasts as long as the page.
    try { localStorage.setItem(TOKEN_KEY, value); } catch (e) { /* kept in memory only */ }
  }

  function remembered(forToken) {
    try { return JSON.parse(localStorage.getItem(MINE_KEY + forToken)) || []; } catch (e) { return []; }
  }

  function remember(text, on) {
    said.push({ after: last, text: text, on: on });
    shownMine = said.length;
    said = said.slice(-MINE_KEPT);
    shownMine = Math.min(shownMine, said.length);
    try { localStorage.setItem(MINE_KEY + token, JSON.stringify(said)); } catch (e) { /* this page only */ }
  }

  // A visitor that is gone (erased, or a new one) leaves none of its words in this browser.
  function forgetMine() {
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf(MINE_KEY) === 0) { localStorage.removeItem(k); }
      });
    } catch (e) { /* nothing kept */ }
  }

  // Shows the visitor's own words that came before the bot's message `before` (all, when null).
  function showMine(before) {
    while (shownMine < said.length && (before === null || said[shownMine].after < before)) {
      mineItem(said[shownMine].text);
      shownMine += 1;
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function delay(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // Relative paths: the page is at <server>/chat, wherever the server is mounted. A Blob body
  // (a photo) goes as it is; anything else as JSON.
  function api(method, path, body) {
    var headers = { 'Accept-Language': config.lang };
    if (token) { headers.Authorization = 'Bearer ' + token; }
    var init = { method: method, headers: headers, cache: 'no-store' };
    if (body instanceof Blob) {
      headers['Content-Type'] = body.type || 'application/octet-stream';
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch('chat/api/' + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, json: json, retry: Number(response.headers.get('Retry-After')) || 1 };
      });
    });
  }

  function say(text) {
    statusLine.textContent = text || '';
    statusLine.hidden = !text;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function mine(text, on) {
    remember(text, on);
    return mineItem(text);
  }

  function mineItem(text) {
    var item = document.createElement('div');
    item.className = 'me';
    item.textContent = text;
    log.appendChild(item);
    scrollDown();
    return item;
  }

  // The buttons on the page so far: inert once a newer message brings its own. Pressing an old
  // one would still be answered (the engine tells what has expired), but it must not look live.
  function expireButtons() {
    Array.prototype.forEach.call(log.querySelectorAll('.bot .buttons button'), function (b) {
      b.disabled = true;
      b.dataset.expired = 'yes';
    });
  }

  // A button pressed: inert at once (no second press), and marked as the choice made; a press
  // that could not be sent makes it live again, unless newer buttons came meanwhile.
  function choose(b, chosen) {
    b.disabled = chosen || b.dataset.expired === 'yes';
    b.classList.toggle('chosen', chosen);
    b.setAttribute('aria-pressed', chosen ? 'true' : 'false');
  }

  function show(message) {
    if ((message.buttons && message.buttons.length) || message.location) { expireButtons(); }
    var item = document.createElement('div');
    item.className = 'bot';
    if (message.photo) {
      var img = document.createElement('img');
      img.src = message.photo;
      img.alt = '';
      img.addEventListener('load', scrollDown);
      item.appendChild(img);
    }
    var text = document.createElement('div');
    text.className = 'text';
    // The server escaped everything but the light markup's tags.
    text.innerHTML = message.html;
    Array.prototype.forEach.call(text.querySelectorAll('a'), function (a) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    });
    item.appendChild(text);
    (message.buttons || []).forEach(function (row) {
      var line = document.createElement('div');
      line.className = 'buttons';
      row.forEach(function (pair) {
        var b = button(pair[0], function () { press(pair[0], pair[1], b, message.id); });
        var pressed = said.some(function (s) { return s.on === message.id && s.text === pair[0]; });
        if (pressed) { choose(b, true); }
        line.appendChild(b);
      });
      item.appendChild(line);
    });
    if (message.location) {
      var line = document.createElement('div');
      line.className = 'buttons';
      line.appendChild(button(message.location, function () { shareLocation(message.location); }));
      item.appendChild(line);
    }
    log.appendChild(item);
    scrollDown();
  }

  function button(label, onPress) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onPress);
    return b;
  }

  // Posts one event; a network failure posts the same event (same id) again, a few times.
  function post(act, tries) {
    var event = { id: uuid() };
    Object.keys(act).forEach(function (k) { event[k] = act[k]; });
    return attempt(event, tries || 0);
  }

  // `path` and `body` default to an event posted as JSON; a photo posts its file under its id.
  function attempt(event, tries, path, body) {
    return api('POST', path || 'events', body || event).then(function (r) {
      if (r.status === 200) { say(''); return true; }
      if (r.status === 401) { restart(); return false; }
      say(r.json.message || strings.unavailable);
      return false;
    }, function () {
      if (tries >= 5) { say(strings.offline); return false; }
      say(strings.offline);
      return delay(1000 * (tries + 1)).then(function () { return attempt(event, tries + 1, path, body); });
    });
  }

  function send(text) {
    var item = mine(text);
    return post({ text: text }).then(function (ok) {
      if (!ok) {
        item.className = 'me failed';
        if (!input.value) { input.value = text; }
      }
      return ok;
    });
  }

  function press(label, payload, b, on) {
    choose(b, true);
    var item = mine(label, on);
    post({ button: payload }).then(function (ok) {
      if (!ok) {
        item.className = 'me failed';
        choose(b, false);
      }
    });
  }

  function sendPhoto(file) {
    var item = document.createElement('div');
    item.className = 'me';
    var img = document.createElement('img');
    img.alt = '';
    img.src = URL.createObjectURL(file);
    item.appendChild(img);
    log.appendChild(item);
    scrollDown();
    var id = uuid();
    attempt({ id: id }, 0, 'photos?id=' + encodeURIComponent(id), file).then(function (ok) {
      if (!ok) { item.className = 'me failed'; }
    });
  }

  photo.addEventListener('change', function () {
    Array.prototype.forEach.call(photo.files, sendPhoto);
    photo.value = '';
  });

  function shareLocation(label) {
    if (!navigator.geolocation) { say(strings.locationRefused); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      var item = mine(label);
      post({ location: { latitude: position.coords.latitude, longitude: position.coords.longitude } })
        .then(function (ok) { if (!ok) { item.className = 'me failed'; } });
    }, function () {
      say(strings.locationRefused);
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
  }

  function reportRead(ids) {
    unread = unread.concat(ids);
    if (document.visibilityState === 'hidden' || unread.length === 0) { return; }
    var read = unread;
    unread = [];
    post({ read: read });
  }

  document.addEventListener('visibilitychange', function () { reportRead([]); });

  function poll(gen, failures) {
    if (gen !== generation) { return; }
    api('GET', 'messages?after=' + last).then(function (r) {
      if (gen !== generation) { return; }
      if (r.status === 200) {
        say('');
        var ids = [];
        r.json.messages.forEach(function (m) {
          showMine(m.id);
          show(m);
          last = Math.max(last, m.id);
          ids.push(m.id);
        });
        if (ids.length) { reportRead(ids); }
        showMine(null);
        poll(gen, 0);
      } else if (r.status === 401) {
        restart();
      } else {
        if (r.json.message) { say(r.json.message); }
        delay(1000 * r.retry).then(function () { poll(gen, failures + 1); });
      }
    }, function () {
      if (gen !== generation) { return; }
      say(strings.offline);
      delay(Math.min(30000, 1000 * Math.pow(2, failures))).then(function () { poll(gen, failures + 1); });
    });
  }

  // `first`: words to post at once, as a chat app's Start button would.
  function begin(newToken, first) {
    token = newToken;
    generation += 1;
    last = 0;
    unread = [];
    said = remembered(newToken);
    shownMine = 0;
    log.textContent = '';
    var gen = generation;
    (first ? post({ text: first }) : Promise.resolve()).then(function () { poll(gen, 0); });
  }

  function restart() {
    token = null;
    forgetMine();
    api('POST', 'visitor').then(function (r) {
      if (r.status === 201 && r.json.token) {
        keep(r.json.token);
        begin(r.json.token, '/start');
      } else {
        say(r.json.message || strings.unavailable);
        delay(1000 * r.retry).then(restart);
      }
    }, function () {
      say(strings.offline);
      delay(5000).then(restart);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = '';
    send(text);
  });

  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });

  // A demo persona seen for the first time in this browser opens on the menu, not a blank page.
  function asPersona(persona) {
    var greeted = 'danvan-web-chat-greeted:' + persona;
    var seen = false;
    try { seen = localStorage.getItem(greeted) !== null; localStorage.setItem(greeted, '1'); } catch (e) { /* greeted again */ }
    keep(persona);
    begin(persona, seen ? null : '/menu');
  }

  var stored = kept();
  if (personas) {
    // A demo: one browser is each of its people in turn.
    var known = config.personas.map(function (p) { return p.token; }).indexOf(stored);
    personas.selectedIndex = Math.max(known, 0);
    personas.addEventListener('change', function () {
      asPersona(config.personas[personas.selectedIndex].token);
    });
    asPersona(config.personas[personas.selectedIndex].token);
  } else if (stored) {
    begin(stored, null);
  } else {
    restart();
  }
})();
