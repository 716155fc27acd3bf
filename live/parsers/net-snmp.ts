import { fail, fields, integer, numberedLines, ok, type Parsed } from "./parsed.js";

/**
 * /proc/net/snmp and /proc/net/netstat: pairs of lines, `Proto: names...` then `Proto: values...`.
 * Returns "Proto.Name" → value (e.g. "Tcp.RetransSegs", "TcpExt.ListenOverflows"). Values may be
 * negative (Tcp MaxConn is -1).
 */
export function parseNetSnmp(text: string, file = "/proc/net/snmp"): Parsed<Map<string, number>> {
  const out = new Map<string, number>();
  const lines = numberedLines(text);
  if (lines.length === 0) return fail(file, 0, "empty");
  for (let i = 0; i < lines.length; i += 2) {
    const header = lines[i] as { text: string; line: number };
    const row = lines[i + 1];
    if (row === undefined) return fail(file, header.line, "header line without a value line");
    const [headerProto, ...names] = fields(header.text);
    const [rowProto, ...values] = fields(row.text);
    if (headerProto === undefined || !/^\w+:$/.test(headerProto)) return fail(file, header.line, "expected 'Proto:'");
    if (rowProto !== headerProto) return fail(file, row.line, `expected '${headerProto}' values, got '${rowProto}'`);
    if (names.length !== values.length) {
      return fail(file, row.line, `${names.length} names but ${values.length} values`);
    }
    const proto = headerProto.slice(0, -1);
    for (let j = 0; j < names.length; j++) {
      const value = integer(values[j]) ?? (/^\d{17,20}$/.test(values[j] as string) ? Number(values[j]) : undefined);
      if (value === undefined) return fail(file, row.line, `${proto}.${names[j]} is not a number`);
      out.set(`${proto}.${names[j]}`, value);
    }
  }
  return ok(out);
}
