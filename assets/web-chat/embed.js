// Adds the web chat to a commune's site: <script src="https://<danvan>/chat/embed.js"></script>
// shows a floating button that opens the chat in an iframe. Styles are set on the elements
// themselves, so that the site's stylesheet neither breaks them nor is touched.
(function () {
  'use strict';
  var words = {{words}};
  var script = document.currentScript;
  var chat = script.src.replace(/\/embed\.js(\?.*)?$/, '') + '?lang=' + encodeURIComponent(words.lang);
  var frame = null;

  function style(element, rules) {
    Object.keys(rules).forEach(function (k) { element.style[k] = rules[k]; });
  }

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = '💬 ' + words.open;
  button.setAttribute('aria-expanded', 'false');
  style(button, {
    position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483000',
    padding: '12px 18px', border: '0', borderRadius: '24px', cursor: 'pointer',
    font: '600 16px system-ui, Arial, sans-serif', color: '#fff', background: '#b71c1c',
    boxShadow: '0 2px 8px rgba(0,0,0,.3)'
  });

  function toggle() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = chat;
      frame.title = words.title;
      // The bot may ask for the visitor's location.
      frame.allow = 'geolocation';
      style(frame, {
        position: 'fixed', right: '16px', bottom: '72px', zIndex: '2147483000',
        width: 'min(380px, calc(100vw - 32px))', height: 'min(600px, calc(100vh - 96px))',
        border: '1px solid #ccc', borderRadius: '12px', background: '#fff',
        boxShadow: '0 4px 16px rgba(0,0,0,.3)'
      });
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    var open = !frame.hidden;
    button.textContent = open ? '✕ ' + words.close : '💬 ' + words.open;
    button.setAttribute('aria-expanded', String(open));
  }

  button.addEventListener('click', toggle);
  function add() { document.body.appendChild(button); }
  if (document.body) { add(); } else { document.addEventListener('DOMContentLoaded', add); }
})();
