/**
 * The playground page, served as three static strings. The script builds every element with
 * `textContent` and `createElement`, never `innerHTML`: payload content is always shown as text.
 */

export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>missive-integrations playground</title>
<link rel="stylesheet" href="/playground/app.css">
<script src="/playground/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>missive-integrations <span>playground</span></h1>
  <p>See the Missive post a webhook becomes, before it exists.</p>
</header>
<main class="layout">
  <section class="input" aria-label="Webhook">
    <label>Provider <select id="provider" data-testid="provider"></select></label>
    <label>Fixture <select id="fixture" data-testid="fixture"><option value="">— paste your own —</option></select></label>
    <label id="event-row">Event <input id="event" data-testid="event" placeholder="e.g. push"></label>
    <fieldset id="options"><legend>Options</legend></fieldset>
    <label>Headers (JSON) <textarea id="headers" data-testid="headers" rows="4" spellcheck="false">{}</textarea></label>
    <label>Payload <textarea id="payload" data-testid="payload" rows="16" spellcheck="false"></textarea></label>
    <button id="run" data-testid="run" type="button">Preview</button>
  </section>
  <section class="output" aria-label="Result">
    <div id="status" data-testid="status" role="status"></div>
    <div id="posts" data-testid="posts"></div>
  </section>
</main>
</body>
</html>
`

export const PLAYGROUND_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;background:#f3f4f6}
.top{padding:14px 24px;background:#1f2430;color:#fff}
.top h1{margin:0;font-size:18px}.top h1 span{font-weight:400;opacity:.7}.top p{margin:2px 0 0;opacity:.75}
.layout{display:grid;grid-template-columns:minmax(320px,420px) 1fr;gap:20px;padding:20px 24px}
.input{display:flex;flex-direction:column;gap:10px}
.input label,.input fieldset{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:12px;color:#4b5563}
.input fieldset{border:1px solid #d1d5db;border-radius:6px;padding:8px}
.input fieldset:empty,.input fieldset.empty{display:none}
select,input,textarea{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;padding:6px 8px;border:1px solid #d1d5db;border-radius:6px;background:#fff;font-weight:400;color:#111}
button{align-self:flex-start;padding:8px 16px;border:0;border-radius:6px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer}
#status{margin-bottom:12px;padding:10px 12px;border-radius:6px;background:#e5e7eb}
#status.posts{background:#dcfce7}#status.skipped{background:#fef3c7}#status.filtered{background:#e0e7ff}#status.error{background:#fee2e2;color:#7f1d1d}
.result{display:grid;grid-template-columns:minmax(340px,1fr) minmax(280px,1fr);gap:16px;margin-bottom:20px}
.conversation{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow:hidden}
.conv-head{display:flex;align-items:center;gap:10px;padding:10px 12px;border-bottom:1px solid #eee;border-left:6px solid #d1d5db}
.conv-head img{width:20px;height:20px;border-radius:4px}
.conv-subject{font-weight:700;font-size:15px}
.conv-target{margin-left:auto;font-size:11px;color:#6b7280;font-family:ui-monospace,monospace}
.notification{margin:10px 12px;padding:8px 10px;border-radius:6px;background:#f9fafb;border:1px solid #eee;font-size:12px}
.notification b{display:block}
.post{display:flex;gap:10px;padding:10px 12px 14px}
.post>img{width:36px;height:36px;border-radius:6px;background:#e5e7eb}
.post-body{flex:1;min-width:0}
.username{font-weight:700}
.text{white-space:pre-wrap;word-wrap:break-word;margin-top:2px}
.text code{font-family:ui-monospace,monospace;background:#f3f4f6;border:1px solid #e5e7eb;border-radius:3px;padding:0 3px;font-size:12px}
.text a{color:#2563eb;text-decoration:none}.text a:hover{text-decoration:underline}
.attachment{margin-top:8px;padding:6px 10px;border-left:4px solid #d1d5db;background:#fafafa;border-radius:0 4px 4px 0}
.att-author{display:flex;align-items:center;gap:6px;font-size:12px;color:#374151}
.att-author img{width:16px;height:16px;border-radius:3px}
.att-title{font-weight:700}
.fields{display:flex;flex-wrap:wrap;gap:6px 12px;margin-top:6px}
.field{flex:1 1 100%}.field.short{flex:1 1 calc(50% - 12px)}
.field-title{font-weight:700;font-size:12px}
.att-image{max-width:100%;max-height:240px;margin-top:6px;border-radius:4px}
.att-footer{display:flex;align-items:center;gap:6px;margin-top:6px;font-size:11px;color:#6b7280}
.att-footer img{width:14px;height:14px}
pre.json{margin:0;padding:12px;background:#111827;color:#e5e7eb;border-radius:8px;overflow:auto;font-size:12px;max-height:640px}
`

export const PLAYGROUND_JS = `'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id) };
  var providers = [];
  var NAMED = { good: '#2eb886', warning: '#daa038', danger: '#d40e0d' };
  var SAFE = /^(https?:|mailto:|missive:)/i;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (key) {
      if (attrs[key] === undefined || attrs[key] === null) return;
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child) });
    return node;
  }
  function color(value) { return NAMED[value] || (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(value || '') ? value : null) }
  function safeHref(url) { return typeof url === 'string' && SAFE.test(url.trim()) ? url.trim() : null }
  function image(src, alt, cls) {
    var href = typeof src === 'string' && /^https?:/i.test(src) ? src : null;
    return href ? el('img', { src: href, alt: alt || '', class: cls, referrerpolicy: 'no-referrer' }) : null;
  }

  // Missive's post syntax: <url|label>, <url>, *bold*, \`code\`. Everything else is text.
  var TOKENS = /<([^<>|\\s]+)(?:\\|([^<>]*))?>|\\*([^*\\n]+)\\*|\`([^\`\\n]+)\`/g;
  function renderText(text, into) {
    // A regex of its own per call: labels are rendered recursively.
    var tokens = new RegExp(TOKENS.source, 'g'), last = 0, match;
    while ((match = tokens.exec(text))) {
      if (match.index > last) into.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        var href = safeHref(match[1]);
        var label = match[2] !== undefined ? match[2] : match[1];
        if (href) { var a = el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }); renderText(label, a); into.appendChild(a) }
        else into.appendChild(document.createTextNode(match[0]));
      } else if (match[3] !== undefined) { var b = el('strong'); renderText(match[3], b); into.appendChild(b) }
      else into.appendChild(el('code', { text: match[4] }));
      last = tokens.lastIndex;
    }
    if (last < text.length) into.appendChild(document.createTextNode(text.slice(last)));
    return into;
  }
  function textBlock(text, cls, testid) { return renderText(String(text), el('div', { class: cls || 'text', 'data-testid': testid })) }

  function renderAttachment(att) {
    var box = el('div', { class: 'attachment', 'data-testid': 'attachment' });
    var c = color(att.color); if (c) { box.style.borderLeftColor = c; box.setAttribute('data-color', att.color) }
    if (att.author_name) {
      var author = el('div', { class: 'att-author' }, [image(att.author_icon, '', null)]);
      var authorHref = safeHref(att.author_link);
      author.appendChild(authorHref ? el('a', { href: authorHref, target: '_blank', rel: 'noopener noreferrer', text: att.author_name }) : el('span', { text: att.author_name }));
      box.appendChild(author);
    }
    if (att.pretext) box.appendChild(textBlock(att.pretext, 'text pretext', 'pretext'));
    if (att.title) {
      var titleHref = safeHref(att.title_link);
      box.appendChild(el('div', { class: 'att-title', 'data-testid': 'attachment-title' }, [titleHref ? el('a', { href: titleHref, target: '_blank', rel: 'noopener noreferrer', text: att.title }) : document.createTextNode(att.title)]));
    }
    if (att.text) box.appendChild(textBlock(att.text, 'text', 'attachment-text'));
    if (att.markdown) box.appendChild(el('div', { class: 'text', text: att.markdown }));
    if (att.fields && att.fields.length) {
      box.appendChild(el('div', { class: 'fields' }, att.fields.map(function (f) {
        return el('div', { class: f.short ? 'field short' : 'field', 'data-testid': 'field' }, [el('div', { class: 'field-title', text: f.title }), textBlock(f.value)]);
      })));
    }
    box.appendChild(image(att.image_url, 'attachment image', 'att-image') || document.createTextNode(''));
    if (att.footer || att.timestamp) {
      var when = att.timestamp ? new Date(att.timestamp * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '';
      box.appendChild(el('div', { class: 'att-footer' }, [image(att.footer_icon, '', null), el('span', { text: [att.footer, when].filter(Boolean).join(' · ') })]));
    }
    return box;
  }

  function renderPost(post, index, total) {
    var head = el('div', { class: 'conv-head', 'data-testid': 'conversation' }, [
      image(post.conversation_icon, '', null),
      el('span', { class: 'conv-subject', 'data-testid': 'subject', text: post.conversation_subject || '(existing conversation subject)' }),
      el('span', { class: 'conv-target', text: post.conversation ? 'conversation ' + post.conversation : (post.references || []).join(' ') }),
    ]);
    var c = color(post.conversation_color);
    if (c) { head.style.borderLeftColor = c; head.setAttribute('data-color', post.conversation_color) }
    var body = el('div', { class: 'post-body' }, [el('div', { class: 'username', 'data-testid': 'username', text: post.username })]);
    if (post.text) body.appendChild(textBlock(post.text, 'text', 'post-text'));
    if (post.markdown) body.appendChild(el('div', { class: 'text', text: post.markdown }));
    (post.attachments || []).forEach(function (att) { body.appendChild(renderAttachment(att)) });
    var card = el('div', { class: 'conversation' }, [
      head,
      el('div', { class: 'notification', 'data-testid': 'notification' }, [el('b', { text: post.notification && post.notification.title || '' }), el('span', { text: post.notification && post.notification.body || '' })]),
      el('div', { class: 'post' }, [image(post.username_icon, post.username, null) || el('div', { class: 'avatar' }), body]),
    ]);
    var json = el('pre', { class: 'json', 'data-testid': 'json', text: (total > 1 ? '// post ' + (index + 1) + ' of ' + total + ': POST /v1/posts\\n' : '// POST /v1/posts\\n') + JSON.stringify({ posts: post }, null, 2) });
    return el('div', { class: 'result', 'data-testid': 'post' }, [card, json]);
  }

  function show(result) {
    var status = $('status'), posts = $('posts');
    posts.textContent = '';
    status.className = result.kind;
    if (result.kind === 'posts') {
      status.textContent = result.posts.length + (result.posts.length === 1 ? ' post' : ' posts') + ' for ' + result.provider + (result.event ? ' ' + result.event : '');
      result.posts.forEach(function (post, i) { posts.appendChild(renderPost(post, i, result.posts.length)) });
    } else if (result.kind === 'skipped') {
      status.textContent = 'Skipped: ' + result.reason;
    } else if (result.kind === 'filtered') {
      status.textContent = 'Filtered: ' + result.reason;
    } else {
      status.textContent = 'Error ' + (result.status || '') + ' (' + (result.error || 'error') + '): ' + result.message;
    }
  }

  function current() { return providers.filter(function (p) { return p.id === $('provider').value })[0] }

  function renderOptions(provider) {
    var box = $('options');
    box.textContent = '';
    box.appendChild(el('legend', { text: 'Options' }));
    var specs = (provider.schema && provider.schema.options) || [];
    box.className = specs.length ? '' : 'empty';
    specs.forEach(function (spec) {
      // A filter's description says what it keeps and what it takes (main,release/*): shown on hover.
      var input = el('input', { 'data-option': spec.key, 'data-testid': 'option-' + spec.key, placeholder: spec.type + (spec.required ? ', required' : ''), title: spec.description });
      if (spec.default !== undefined) input.value = String(spec.default);
      box.appendChild(el('label', { text: (spec.label || spec.key) + (spec.required ? ' *' : '') }, [input]));
    });
  }

  function selectProvider() {
    var provider = current(); if (!provider) return;
    var fixture = $('fixture');
    fixture.textContent = '';
    fixture.appendChild(el('option', { value: '', text: '— paste your own —' }));
    provider.fixtures.forEach(function (name) { fixture.appendChild(el('option', { value: name, text: name })) });
    $('event-row').style.display = provider.eventHeader ? '' : 'none';
    renderOptions(provider);
  }

  function loadFixture() {
    var provider = current(), name = $('fixture').value;
    if (!provider || !name) return Promise.resolve();
    return fetch('/playground/api/fixtures/' + encodeURIComponent(provider.id) + '/' + encodeURIComponent(name))
      .then(function (r) { return r.json() })
      .then(function (fixture) {
        $('payload').value = fixture.body;
        $('headers').value = JSON.stringify(fixture.headers || {}, null, 2);
        $('event').value = fixture.event || '';
        return run();
      });
  }

  function run() {
    var provider = current(); if (!provider) return Promise.resolve();
    var headers;
    try { headers = JSON.parse($('headers').value || '{}') } catch (e) { show({ kind: 'error', status: 400, error: 'invalid_headers', message: 'Headers must be a JSON object: ' + e.message }); return Promise.resolve() }
    var options = {};
    Array.prototype.forEach.call(document.querySelectorAll('[data-option]'), function (input) { if (input.value !== '') options[input.getAttribute('data-option')] = input.value });
    var request = { provider: provider.id, body: $('payload').value, headers: headers, options: options };
    if (provider.eventHeader && $('event').value) request.event = $('event').value;
    return fetch('/playground/api/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
      .then(function (r) { return r.json() })
      .then(show, function (e) { show({ kind: 'error', status: 0, error: 'network', message: String(e) }) });
  }

  fetch('/playground/api/providers').then(function (r) { return r.json() }).then(function (list) {
    providers = list;
    list.forEach(function (p) { $('provider').appendChild(el('option', { value: p.id, text: p.name + ' (' + p.id + ')' })) });
    selectProvider();
    document.body.setAttribute('data-ready', 'true');
  });
  $('provider').addEventListener('change', selectProvider);
  $('fixture').addEventListener('change', loadFixture);
  $('run').addEventListener('click', run);
})();
`
