/**
 * Search snippets without raw TeX, cut at word boundaries (book/_ext/search_text.py).
 *
 * Sphinx's searchtools.js fetches each result page and shows 240 characters around the first
 * match. The page source still holds equations as TeX (\(D_\phi(Y)\)), and a fixed character
 * offset can fall inside a Thai syllable (a snippet starting with an orphaned vowel mark).
 * This file replaces two functions of the Search object:
 *   htmlToText:         math elements become plain text (texToText), code outputs drop out;
 *   makeSearchSummary:  the snippet starts and ends on a word boundary (Intl.Segmenter in the
 *                       page's language), else a grapheme-cluster boundary, else whitespace.
 * The same functions are exported for tests (module.exports) when run under Node.
 */
(function () {
  "use strict";

  const GREEK = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν",
    xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ",
    Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  };
  const SYMBOLS = {
    nabla: "∇", partial: "∂", sum: "Σ", prod: "Π", infty: "∞", cdot: "·", times: "×",
    approx: "≈", le: "≤", leq: "≤", ge: "≥", geq: "≥", neq: "≠", in: "∈", to: "→",
    rightarrow: "→", leftarrow: "←", mid: "|", ldots: "…", dots: "…", cdots: "…", pm: "±",
    sim: "~", propto: "∝", log: "log", exp: "exp", max: "max", min: "min", arg: "arg", E: "E",
  };
  const WRAPPERS = /\\(?:mathbb|mathrm|mathbf|mathcal|mathit|operatorname|text|textrm|textbf|boldsymbol|hat|tilde|bar|left|right|big|Big|bigg|Bigg)\b/g;

  /** A readable plain-text version of a short TeX formula (same rules as tex_to_text in Python). */
  function texToText(tex) {
    let s = tex.trim();
    s = s.replace(/^\\\(|\\\)$|^\\\[|\\\]$|^\$+|\$+$/g, "").trim();
    s = s.replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
    s = s.replace(WRAPPERS, "");
    s = s.replace(/\\[,;:! ]/g, " ");
    s = s.replace(/\\([A-Za-z]+)/g, (m, name) => GREEK[name] || SYMBOLS[name] || name);
    s = s.replace(/\\\{/g, "{").replace(/\\\}/g, "}");
    s = s.replace(/[{}]/g, "").replace(/[_^]/g, "").replace(/\\/g, "");
    return s.replace(/\s+/g, " ").trim();
  }

  /** Offsets where a snippet may start or end: word boundaries, else graphemes, else spaces. */
  function boundaries(text, lang) {
    if (typeof Intl !== "undefined" && typeof Intl.Segmenter === "function") {
      for (const granularity of ["word", "grapheme"]) {
        try {
          const cuts = [];
          for (const seg of new Intl.Segmenter(lang || undefined, {granularity}).segment(text)) cuts.push(seg.index);
          cuts.push(text.length);
          return cuts;
        } catch (err) { /* try the next granularity */ }
      }
    }
    const cuts = [0];
    text.replace(/\s+/g, (m, i) => { cuts.push(i, i + m.length); return m; });
    cuts.push(text.length);
    return cuts;
  }

  /** Shrink [start, end) to the nearest boundaries inside it (the text's ends are boundaries). */
  function cutAtBoundaries(text, start, end, lang) {
    const cuts = boundaries(text, lang);
    let a = start === 0 ? 0 : cuts.find((c) => c >= start);
    let b = end >= text.length ? text.length : [...cuts].reverse().find((c) => c <= end);
    if (a === undefined || b === undefined || b <= a) { a = start; b = end; }
    return [a, b];
  }

  /** The page's main text, with math as plain text and without scripts or styles. */
  function htmlToText(htmlString, anchor) {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    for (const query of [".headerlink", "script", "style", ".edition-switch", ".widget-subarea"]) {
      doc.querySelectorAll(query).forEach((el) => el.remove());
    }
    doc.querySelectorAll(".math, mjx-container").forEach((el) => {
      el.replaceWith(doc.createTextNode(" " + texToText(el.textContent) + " "));
    });
    const main = (anchor && doc.querySelector(`[role="main"] ${anchor}`)) || doc.querySelector('[role="main"]');
    if (!main) return "";
    return main.textContent.replace(/\s+/g, " ").trim();
  }

  function makeSearchSummary(htmlText, keywords, anchor) {
    const text = htmlToText(htmlText, anchor);
    if (text === "") return null;
    const lang = (typeof document !== "undefined" && document.documentElement.lang) || undefined;
    const lower = text.toLowerCase();
    const positions = [...keywords].map((k) => lower.indexOf(k.toLowerCase())).filter((i) => i > -1);
    const at = positions.length ? positions.slice(-1)[0] : 0;
    const [a, b] = cutAtBoundaries(text, Math.max(at - 120, 0), Math.max(at - 120, 0) + 240, lang);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (a > 0 ? "…" : "") + text.slice(a, b).trim() + (b < text.length ? "…" : "");
    return summary;
  }

  const api = {texToText, boundaries, cutAtBoundaries, htmlToText, makeSearchSummary};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  // searchtools.js declares `const Search` (a global binding, not a property of window).
  if (typeof Search !== "undefined") {
    Search.htmlToText = htmlToText;
    Search.makeSearchSummary = makeSearchSummary;
  }
})();
