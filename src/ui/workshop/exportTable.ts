/**
 * The connection table of a run as CSV (RFC 4180) or JSON, for a handout or a spreadsheet: one row
 * per connection with its outcome, backend, reason and close, as the Connections tab shows them.
 */
import type { ConnectionResult } from '../../sim/simulate';

export const CSV_COLUMNS = [
  'connection',
  'traffic',
  'index',
  'protocol',
  'from',
  'source',
  'destination',
  'outcome',
  'backend',
  'handshakeMs',
  'httpStatus',
  'reasonCode',
  'reasonAt',
  'reasonRule',
  'reasonDetail',
  'closedAt',
  'closedBy',
] as const;

/** RFC 4180 §2: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function connectionsToCsv(rows: readonly ConnectionResult[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of rows) {
    const reason = c.reason ?? c.closed?.reason ?? null;
    const fields: (string | number | null)[] = [
      `${c.traffic}#${c.index}`,
      c.traffic,
      c.index,
      c.protocol,
      c.from,
      c.source,
      c.destination,
      c.outcome,
      c.backend,
      c.handshakeMs,
      c.http?.status ?? null,
      reason?.code ?? null,
      reason?.at ?? null,
      reason?.rule == null ? null : `${reason.rule.kind} ${reason.rule.name}`,
      reason?.detail ?? null,
      c.closed?.at ?? null,
      c.closed?.by ?? null,
    ];
    lines.push(fields.map(csvField).join(','));
  }
  // RFC 4180 uses CRLF between records.
  return `${lines.join('\r\n')}\r\n`;
}

export const connectionsToJson = (rows: readonly ConnectionResult[]): string => `${JSON.stringify(rows, null, 2)}\n`;

/** Offers `text` (or a blob) as a download named `name`. */
export function download(name: string, content: Blob | string, type = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a title: `An NSG rule blocks…` → `an-nsg-rule-blocks`. */
export function slugOf(title: string | undefined, fallback = 'scenario'): string {
  const slug = (title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? fallback : slug;
}
