/** Result rows, the CSV they are written as, and the readable table printed at the end. */

/** One figure: `bench,scenario,params,metric,value,unit,engine,commit`. */
export interface Row {
  bench: string;
  scenario: string;
  /** Parameters in the name, `key=value` joined by commas (nats style: `batch=100,conns=4`). */
  params: string;
  metric: string;
  value: number;
  unit: string;
  engine: string;
  commit: string;
}

export const CSV_HEADER = 'bench,scenario,params,metric,value,unit,engine,commit';

/** `{batch: 100, conns: 4}` → `batch=100,conns=4` (insertion order is kept: it is part of the name). */
export function paramsName(p: Record<string, string | number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4).replace(/\.?0+$/, '');
}

export function toCsvLine(r: Row): string {
  return [r.bench, r.scenario, r.params, r.metric, formatValue(r.value), r.unit, r.engine, r.commit].map(csvField).join(',');
}

/** Parses CSV written by toCsvLine (RFC 4180 quoting); skips the header and blank lines. */
export function parseCsv(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('bench,scenario,')) continue;
    const f: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let s = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') {
            s += '"';
            i += 2;
          } else if (line[i] === '"') {
            i++;
            break;
          } else s += line[i++];
        }
        f.push(s);
        i++; // the comma
      } else {
        const j = line.indexOf(',', i);
        const end = j < 0 ? line.length : j;
        f.push(line.slice(i, end));
        i = end + 1;
      }
    }
    if (f.length < 8) continue;
    rows.push({ bench: f[0]!, scenario: f[1]!, params: f[2]!, metric: f[3]!, value: Number(f[4]), unit: f[5]!, engine: f[6]!, commit: f[7]! });
  }
  return rows;
}

/** Pads a table of strings into aligned columns (numbers right-aligned). */
export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => body.every((r) => /^[-\d.,]*$|^—$|^NaN$/.test(r[i] ?? '')));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A figure for people: 12345.6 → "12,346", 3.456 → "3.46", 0.1234 → "0.123". */
export function human(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
