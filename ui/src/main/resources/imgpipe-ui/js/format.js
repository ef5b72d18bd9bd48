// Numbers, sizes, durations and dates in the reader's language.
import { language, t, has } from './i18n.js';

const UNITS = ['B', 'KB', 'MB', 'GB'];

export function bytes(n) {
  if (n == null || !Number.isFinite(Number(n))) return '—';
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** "29,375 bytes": the exact count, for a tooltip beside the rounded size. */
export function exactBytes(n) {
  if (n == null || !Number.isFinite(Number(n))) return null;
  return t('facts.bytesExact', { count: new Intl.NumberFormat(language()).format(Number(n)) });
}

export function duration(ms) {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${new Intl.NumberFormat(language(), { maximumFractionDigits: 0 }).format(ms)} ms`;
  const digits = ms < 10_000 ? 2 : 1;
  return `${new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(ms / 1000)} s`;
}

export function dimensions(width, height) {
  if (!width || !height) return '—';
  return `${width} × ${height}`;
}

export function imageFormat(name) {
  if (!name) return '—';
  return String(name).toUpperCase();
}

/** Epoch milliseconds or an ISO string as a Date, or null when it is neither. */
function toDate(value) {
  if (value == null || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function isoDate(value) {
  const date = toDate(value);
  return date ? date.toISOString() : null;
}

export function dateTime(value) {
  const date = toDate(value);
  if (!date) return '—';
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function clockTime(value) {
  const date = toDate(value);
  if (!date) return '—';
  return new Intl.DateTimeFormat(language(), {
    hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false,
  }).format(date);
}

export function percent(fraction) {
  return new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** The translated label of a server error or failure code; unknown codes show as sent. */
export function errorLabel(code) {
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return code ? t('error.unknownCode', { code }) : t('error.unknown');
}

export function statusLabel(status) {
  return has(`status.${status}`) ? t(`status.${status}`) : String(status || '');
}
