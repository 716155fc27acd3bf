/**
 * Frame colours. The "hot" palette is flamegraph.pl's: rgb(205 + 50·v3, 230·v1, 55·v2), with
 * the v's taken from a hash of the name (its --hash mode) so a function keeps its colour across
 * graphs. Differential colours follow flamegraph.pl too: red for more, blue for less, paler as
 * the change shrinks towards zero relative to the largest change, near-white for none.
 */

/** Three numbers in [0, 1) from a name, by FNV-1a. */
function nameHash(name: string): [number, number, number] {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [(hash & 0x3ff) / 1024, ((hash >>> 10) & 0x3ff) / 1024, ((hash >>> 20) & 0x3ff) / 1024];
}

export function hotColor(name: string): string {
  const [v1, v2, v3] = nameHash(name);
  return `rgb(${205 + Math.floor(50 * v3)},${Math.floor(230 * v1)},${Math.floor(55 * v2)})`;
}

/** The colour of a change `delta` when the largest change anywhere in the graph is `maxAbs`. */
export function diffColor(delta: number, maxAbs: number): string {
  if (delta === 0 || maxAbs === 0) return "rgb(250,250,250)";
  const fade = Math.round(210 * (1 - Math.min(1, Math.abs(delta) / maxAbs)));
  return delta > 0 ? `rgb(255,${fade},${fade})` : `rgb(${fade},${fade},255)`;
}

/** Text safe inside XML and HTML elements and attributes. */
export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids (controls, lone surrogates) become "?" so the document stays well formed.
  const legal = text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    "?",
  );
  return legal.replace(/[&<>"']/g, (char) =>
    char === "&" ? "&amp;" : char === "<" ? "&lt;" : char === ">" ? "&gt;" : char === '"' ? "&quot;" : "&#39;",
  );
}
