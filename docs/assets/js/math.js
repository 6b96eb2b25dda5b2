// Typeset the math that pymdownx.arithmatex (generic mode) wraps in .arithmatex,
// with the KaTeX served by this site. KaTeX (about 300 kB with its CSS) is loaded only
// by pages that have math. Runs on every page load, including Material's instant
// navigation (document$).
//
// A display formula wider than its column scrolls sideways; it gets
// data-overflow="right" | "left" | "both" so the CSS can show a fade on the side
// that has more, and the scrollbar stays visible.
(function () {
  var here = document.currentScript && document.currentScript.src;
  var katexBase = new URL("../katex/", here || location.href).href;
  var loading = null;

  function loadKatex() {
    if (typeof katex !== "undefined") return Promise.resolve();
    if (loading) return loading;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = katexBase + "katex.min.css";
    document.head.appendChild(css);
    loading = new Promise(function (done, fail) {
      var s = document.createElement("script");
      s.src = katexBase + "katex.min.js";
      s.onload = done;
      s.onerror = fail;
      document.head.appendChild(s);
    });
    return loading;
  }

  function markOverflow(el) {
    var more = el.scrollWidth - el.clientWidth;
    if (more <= 1) { el.removeAttribute("data-overflow"); return; }
    var left = el.scrollLeft > 1, right = el.scrollLeft < more - 1;
    el.setAttribute("data-overflow", left && right ? "both" : left ? "left" : "right");
  }

  function markAll(root) {
    root.querySelectorAll("div.arithmatex").forEach(markOverflow);
  }

  function typeset(root) {
    var todo = Array.prototype.filter.call(root.querySelectorAll(".arithmatex"), function (el) {
      return !el.dataset.typeset;
    });
    if (!todo.length) return;
    loadKatex().then(function () {
      todo.forEach(function (el) {
        if (el.dataset.typeset) return;
        var tex = el.textContent.trim();
        var display = el.tagName === "DIV" || tex.startsWith("\\[");
        tex = tex.replace(/^\\[\[(]/, "").replace(/\\[\])]$/, "");
        katex.render(tex, el, { displayMode: display, throwOnError: false });
        if (el.tagName === "DIV") {
          el.addEventListener("scroll", function () { markOverflow(el); }, { passive: true });
        }
        el.dataset.typeset = "1";
      });
      markAll(root);
    });
  }

  window.addEventListener("resize", function () { markAll(document); });
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  }
})();
