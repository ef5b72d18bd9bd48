// Dictionaries live in i18n/<lang>.json (flat "key": "text", {name} placeholders).
// Static markup names its keys with data-i18n (text) and data-i18n-attr ("attr:key;attr:key").
import { load, save } from './storage.js';

export const LANGUAGES = ['en', 'es'];
const STORAGE_KEY = 'imgpipe.lang';
const FALLBACK = 'en';

const dictionaries = new Map();
const listeners = new Set();
let current = FALLBACK;

export function initialLanguage() {
  const saved = load(STORAGE_KEY, null);
  if (LANGUAGES.includes(saved)) return saved;
  const preferred = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || FALLBACK])
    .map((tag) => String(tag).slice(0, 2).toLowerCase());
  return preferred.find((tag) => LANGUAGES.includes(tag)) || FALLBACK;
}

async function dictionary(lang) {
  if (!dictionaries.has(lang)) {
    const response = await fetch(`i18n/${lang}.json`, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`i18n/${lang}.json answered ${response.status}`);
    dictionaries.set(lang, await response.json());
  }
  return dictionaries.get(lang);
}

/** Loads and applies a language; remember=true keeps it for the next visit. */
export async function setLanguage(lang, remember) {
  const chosen = LANGUAGES.includes(lang) ? lang : FALLBACK;
  await dictionary(FALLBACK);
  await dictionary(chosen);
  current = chosen;
  document.documentElement.lang = chosen;
  if (remember) save(STORAGE_KEY, chosen);
  translateTree(document);
  for (const listener of listeners) listener(chosen);
}

export function language() {
  return current;
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

export function has(key) {
  return key in (dictionaries.get(current) || {}) || key in (dictionaries.get(FALLBACK) || {});
}

/** The text for key in the current language, English if missing there, else the key itself. */
export function t(key, params) {
  const text = dictionaries.get(current)?.[key] ?? dictionaries.get(FALLBACK)?.[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name) => (params[name] == null ? match : String(params[name])));
}

/** A text that depends on a count: key.one, key.other… as the language's plural rules pick. */
export function tn(key, count, params = {}) {
  const form = new Intl.PluralRules(current).select(count);
  const chosen = has(`${key}.${form}`) ? `${key}.${form}` : `${key}.other`;
  return t(chosen, { count, ...params });
}

export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
