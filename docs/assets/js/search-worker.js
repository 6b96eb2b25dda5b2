// dlterms search worker: speaks mkdocs-material's search-worker messages
// (0 setup, 1 ready, 2 query, 3 result) and ranks like a glossary.
//
// Ranking, highest first:
//   1. the whole query is a term or one of its aliases ("MSE", "one hot", "crossentropy");
//   2. a term or alias is named inside the query ("softmax vs sigmoid", "what is an epoch"),
//      earlier and longer names first;
//   3. word matches: title, then aliases, then the definition; the last word may be a prefix
//      (it is still being typed).
// Term pages outrank reference functions, which outrank other pages. Short words
// such as "what", "an" or "vs" never match on their own.
"use strict";

var STOP = new Set(("a an and are as at be by can do does difference define definition " +
  "for how i in is it its meaning of on or the to use used vs versus what whats when " +
  "where which who why with explain between").split(" "));
var KIND_WEIGHT = { term: 1, api: 0.35, page: 0.3 };
var docs = [];

function fold(s) {
  return String(s).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}
function words(s) {
  return fold(s).split(/[^a-z0-9]+/).filter(Boolean);
}
function stem(w) {
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}
function key(ws) {
  return ws.map(stem).join("");
}

function setup(data) {
  docs = data.docs.map(function (d) {
    var names = [d.title].concat(d.aliases || []);
    return {
      doc: d,
      kind: d.kind || "page",
      termKey: key(words(d.title)),
      keys: new Set(d.kind === "term" ? names.map(function (n) { return key(words(n)); }) : []),
      title: words(d.title).map(stem),
      alias: [].concat.apply([], (d.aliases || []).map(function (n) { return words(n).map(stem); })),
      text: words(d.text || "").map(stem),
    };
  });
}

function best(tokens, q, prefix) {
  // 2 for an exact word, 1 for a prefix of a word (only for the word being typed)
  var found = 0;
  for (var i = 0; i < tokens.length; i++) {
    if (tokens[i] === q) return 2;
    if (prefix && q.length >= 2 && tokens[i].startsWith(q)) found = 1;
  }
  return found;
}

function score(d, q, qkey, typing) {
  var name = 0;  // the query is, or names, a term or an alias
  if (d.keys.has(qkey)) {
    name = d.termKey === qkey ? 1100 : 1000;
  } else if (d.keys.size) {
    for (var start = 0; start < q.length; start++) {
      for (var end = q.length; end > start; end--) {
        if (end - start === q.length) continue;
        if (d.keys.has(q.slice(start, end).join(""))) {
          name = Math.max(name, 600 + 20 * (end - start) - 5 * start);
        }
      }
    }
  }
  var word = 0, matched = 0;
  for (var i = 0; i < q.length; i++) {
    var prefix = typing && i === q.length - 1;
    var t = best(d.title, q[i], prefix), a = best(d.alias, q[i], prefix), x = best(d.text, q[i], prefix);
    if (t || a || x) matched++;
    word += 30 * t + 20 * a + 4 * x;
  }
  if (!name && !matched) return 0;
  if (d.termKey.startsWith(qkey)) word += 40;
  word *= 0.5 + 0.5 * matched / q.length;
  return (name + word) * (KIND_WEIGHT[d.kind] || 0.3);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

function highlight(text, q) {
  var html = escapeHtml(text);
  var ws = q.filter(function (w) { return w.length >= 2; });
  if (!ws.length) return html;
  var re = new RegExp("\\b(" + ws.map(function (w) {
    return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }).join("|") + ")", "gi");
  return html.replace(re, "<mark>$1</mark>");
}

function search(query) {
  var all = words(query);
  var content = all.filter(function (w) { return !STOP.has(w); });
  var q = (content.length ? content : all).map(stem);
  if (!q.length) return [];
  var typing = !/\s$/.test(query);
  var qkey = q.join("");
  var hits = [];
  for (var i = 0; i < docs.length; i++) {
    var s = score(docs[i], q, qkey, typing);
    if (s > 0) hits.push({ d: docs[i], s: s });
  }
  hits.sort(function (a, b) {
    return b.s - a.s || a.d.doc.title.length - b.d.doc.title.length ||
      (a.d.doc.title < b.d.doc.title ? -1 : 1);
  });
  return hits.slice(0, 25).map(function (h) {
    var d = h.d.doc;
    var text = d.text || "";
    if (d.aliases && d.aliases.length) text = "Also called " + d.aliases.join(", ") + ". " + text;
    return [{
      location: d.location,
      title: highlight(d.title, q),
      text: "<p>" + highlight(text, q) + "</p>",
      score: h.s,
      terms: {},
    }];
  });
}

addEventListener("message", function (ev) {
  var m = ev.data;
  if (m.type === 0) {
    setup(m.data);
    postMessage({ type: 1 });
  } else if (m.type === 2) {
    postMessage({ type: 3, data: { items: search(m.data) } });
  }
});
