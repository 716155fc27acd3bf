/**
 * The browser side of the interactive flame graph page, embedded verbatim in each page (no
 * network assets). Rebuilds the tree from the page's JSON, draws it as SVG with flamegraph.pl's
 * geometry, zooms on click (the clicked frame spans the width, its ancestors stay faded below,
 * everything else is hidden), searches by regular expression (matches in magenta, "Matched: X%"
 * of all samples, nested matches counted once) and resets. Plain ES2017 for any browser.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("flame-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = data.width, XPAD = 10, FH = 16, FONT = 12, FONTW = 0.59, YPAD1 = 36, YPAD2 = 34, MINW = data.minWidth;
  var MATCH = "rgb(230,0,230)";
  var nodes = [], path = [], maxDepth = 0;
  for (var i = 0; i < data.n.length; i++) {
    var node = { id: i, name: data.names[data.n[i]], depth: data.d[i], total: data.t[i], self: data.s[i],
      before: data.b ? data.b[i] : 0, parent: null, children: [] };
    path.length = node.depth;
    if (node.depth > 0) { node.parent = path[node.depth - 1]; node.parent.children.push(node); }
    path.push(node);
    nodes.push(node);
    if (node.depth > maxDepth) maxDepth = node.depth;
  }
  var root = nodes[0];
  var height = (maxDepth + 1) * FH + YPAD1 + YPAD2;
  var svg = document.getElementById("flame");
  svg.setAttribute("width", W);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", "0 0 " + W + " " + height);
  var layer = document.getElementById("frames");
  var matchedText = document.getElementById("matched");
  var details = document.getElementById("details");
  var searchBox = document.getElementById("search");
  var zoomed = root, pattern = null;
  var numbers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

  function pct(part, whole) { return whole > 0 ? (100 * part / whole).toFixed(2) : "0.00"; }
  function delta(node) {
    var after = root.total > 0 ? node.self / root.total : 0;
    var before = data.beforeTotal > 0 ? node.before / data.beforeTotal : 0;
    return after - before;
  }
  var maxDelta = 0;
  if (data.b) nodes.forEach(function (node) { maxDelta = Math.max(maxDelta, Math.abs(delta(node))); });
  function hash(name) {
    var h = 0x811c9dc5;
    for (var k = 0; k < name.length; k++) { h ^= name.charCodeAt(k); h = Math.imul(h, 0x01000193) >>> 0; }
    return [(h & 0x3ff) / 1024, ((h >>> 10) & 0x3ff) / 1024, ((h >>> 20) & 0x3ff) / 1024];
  }
  function color(node) {
    if (data.b) {
      var d = delta(node);
      if (d === 0 || maxDelta === 0) return "rgb(250,250,250)";
      var fade = Math.round(210 * (1 - Math.min(1, Math.abs(d) / maxDelta)));
      return d > 0 ? "rgb(255," + fade + "," + fade + ")" : "rgb(" + fade + "," + fade + ",255)";
    }
    var v = hash(node.name);
    return "rgb(" + (205 + Math.floor(50 * v[2])) + "," + Math.floor(230 * v[0]) + "," + Math.floor(55 * v[1]) + ")";
  }
  function tooltip(node) {
    var text = node.name + " (" + numbers.format(node.total) + " " + data.unit + ", " + pct(node.total, root.total) + "%";
    if (!data.b) return text + ")";
    var d = delta(node) * 100;
    var sign = d > 0 ? "+" : d < 0 ? "-" : "\u00b1";
    return text + "; self " + numbers.format(node.before) + " \u2192 " + numbers.format(node.self) + ", " + sign + Math.abs(d).toFixed(2) + "%)";
  }
  function label(name, width) {
    var chars = Math.floor(width / (FONT * FONTW));
    if (chars < 3) return "";
    return name.length <= chars ? name : name.slice(0, Math.max(0, chars - 2)) + "..";
  }
  function matches(node) { return pattern !== null && pattern.test(node.name); }
  function make(tag, attributes) {
    var element = document.createElementNS(NS, tag);
    for (var key in attributes) element.setAttribute(key, attributes[key]);
    return element;
  }
  function draw(node, x, width, ancestor) {
    var y1 = height - YPAD2 - (node.depth + 1) * FH + 1;
    var group = make("g", { "class": ancestor ? "frame ancestor" : "frame", "data-name": node.name });
    var title = make("title", {});
    title.textContent = tooltip(node);
    group.appendChild(title);
    group.appendChild(make("rect", { x: x.toFixed(2), y: y1, width: width.toFixed(2), height: FH - 1, rx: 2, ry: 2,
      fill: matches(node) ? MATCH : color(node) }));
    var text = label(node.name, width);
    if (text !== "") {
      var t = make("text", { x: (x + 3).toFixed(2), y: (y1 + FH / 2 + 2.5).toFixed(2) });
      t.textContent = text;
      group.appendChild(t);
    }
    group.addEventListener("click", function () { zoom(node); });
    group.addEventListener("mouseover", function () { details.textContent = tooltip(node); });
    layer.appendChild(group);
  }
  function render() {
    layer.textContent = "";
    var full = W - 2 * XPAD;
    for (var a = zoomed.parent; a !== null; a = a.parent) draw(a, XPAD, full, true);
    var scale = zoomed.total > 0 ? full / zoomed.total : 0;
    var work = [[zoomed, XPAD]];
    while (work.length > 0) {
      var item = work.pop(), node = item[0], x = item[1], width = node.total * scale;
      if (width < MINW) continue;
      draw(node, x, width, false);
      var starts = [], cx = x;
      for (var c = 0; c < node.children.length; c++) { starts.push(cx); cx += node.children[c].total * scale; }
      for (var k = node.children.length - 1; k >= 0; k--) work.push([node.children[k], starts[k]]);
    }
    document.getElementById("reset").disabled = zoomed === root;
    showMatched();
  }
  function showMatched() {
    if (pattern === null) { matchedText.textContent = ""; return; }
    var sum = 0, work = [root];
    while (work.length > 0) {
      var node = work.pop();
      if (matches(node)) { sum += node.total; continue; }
      for (var c = 0; c < node.children.length; c++) work.push(node.children[c]);
    }
    matchedText.textContent = "Matched: " + pct(sum, root.total) + "%";
  }
  function zoom(node) { zoomed = node; render(); }
  function search(term) {
    if (term === "") pattern = null;
    else {
      try { pattern = new RegExp(term); }
      catch (error) { pattern = new RegExp(term.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&")); }
    }
    render();
  }
  document.getElementById("search-form").addEventListener("submit", function (event) { event.preventDefault(); search(searchBox.value); });
  document.getElementById("clear").addEventListener("click", function () { searchBox.value = ""; search(""); });
  document.getElementById("reset").addEventListener("click", function () { zoom(root); });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "f") { event.preventDefault(); searchBox.focus(); }
    else if (event.key === "Escape") zoom(root);
  });
  render();
})();
`;
