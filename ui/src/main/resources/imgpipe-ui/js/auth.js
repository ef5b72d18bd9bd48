// API keys, when the gateway has them on (docs/security.md). The key is asked for once and kept in sessionStorage:
// this tab only, gone when it closes, never in a cookie (so no other site can make the browser send it).
import { t } from './i18n.js';

const STORAGE = 'imgpipe.apiKey';
const MAX_PROMPTS = 3;
let required = false;

function stored() {
  try {
    return window.sessionStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

function remember(key) {
  try {
    if (key) window.sessionStorage.setItem(STORAGE, key);
    else window.sessionStorage.removeItem(STORAGE);
  } catch {
    // Without storage the key lasts as long as this page.
  }
  memory = key;
}

let memory = stored();

/** True when the gateway answered 401 to a request without a key. */
export function keysOn() {
  return required;
}

/** The headers every API call adds: the key, when there is one. */
export function authHeaders(extra = {}) {
  return memory ? { ...extra, Authorization: `Bearer ${memory}` } : extra;
}

/**
 * The headers a write (POST, DELETE) adds besides the key: the page's CSRF token, which the gateway set as a cookie
 * and checks against this header; a page of another site can neither read the cookie nor set the header.
 */
export function writeHeaders() {
  const match = document.cookie.match(/(?:^|;\s*)imgpipe_csrf=([^;]+)/);
  return authHeaders(match ? { 'X-CSRF-Token': match[1] } : {});
}

const probe = (headers) => fetch('/presets', { headers, cache: 'no-store' }).then((r) => r.status);

/**
 * Finds out whether keys are on (a 401 without one) and if so makes sure this tab has a valid key, asking the person
 * at most a few times. Resolves either way: without a key the page shows the gateway's 401s.
 */
export async function ensureKey() {
  let status;
  try {
    status = await probe({});
  } catch {
    return;
  }
  required = status === 401;
  if (!required) return;
  if (memory && (await probe(authHeaders())) !== 401) return;
  for (let i = 0; i < MAX_PROMPTS; i += 1) {
    const entered = window.prompt(t(i === 0 ? 'auth.prompt' : 'auth.retry'));
    if (!entered || !entered.trim()) break;
    remember(entered.trim());
    if ((await probe(authHeaders())) !== 401) return;
  }
  remember(null);
}

async function blobOf(path) {
  const response = await fetch(path, { headers: authHeaders(), cache: 'default' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

/** Sets an image's source: by URL with keys off; with keys on through a fetch (an <img> cannot send a header). */
export function setImageSource(img, path) {
  if (!required) {
    img.src = path;
    return;
  }
  blobOf(path).then((url) => {
    if (img.dataset.blob) URL.revokeObjectURL(img.dataset.blob);
    img.dataset.blob = url;
    img.src = url;
  }).catch(() => img.dispatchEvent(new Event('error')));
}

/**
 * With keys on, links to images (open, download) cannot just be followed: a new tab sends no key. They are fetched
 * with the key and opened (or saved) from memory instead.
 */
export function installLinkHandler() {
  document.addEventListener('click', (e) => {
    if (!required) return;
    const a = e.target instanceof Element ? e.target.closest('a[href^="/image/"]') : null;
    if (!a) return;
    e.preventDefault();
    const tab = a.hasAttribute('download') ? null : window.open('', '_blank');
    blobOf(a.getAttribute('href')).then((url) => {
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else {
        const save = document.createElement('a');
        save.href = url;
        save.download = a.download;
        save.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }).catch(() => tab?.close());
  });
}
