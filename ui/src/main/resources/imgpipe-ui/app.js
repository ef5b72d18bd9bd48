// imgpipe upload page: wires the parts together. No framework, no build step: plain ES modules.
import { byId } from './js/dom.js';
import { initialLanguage, language, onLanguageChange, setLanguage, t } from './js/i18n.js';
import { LiveFeed } from './js/live.js';
import { ensureKey, installLinkHandler, keysOn } from './js/auth.js';
import { OptionsForm } from './js/options.js';
import { Uploads } from './js/uploads.js';
import { Gallery } from './js/gallery.js';
import { Timeline } from './js/timeline.js';
import { ClusterView } from './js/cluster.js';

const VIEWS = ['upload', 'gallery', 'cluster'];

function announcer() {
  const region = byId('announcer');
  return (text) => {
    // A fresh node per message: screen readers announce additions, and the region stays short.
    const line = document.createElement('p');
    line.textContent = text;
    region.append(line);
    while (region.childElementCount > 5) region.firstElementChild.remove();
  };
}

function liveIndicator(state) {
  const pill = byId('live-pill');
  pill.dataset.state = state;
  const text = byId('live-text');
  text.dataset.i18n = `live.${state}`;
  text.textContent = t(`live.${state}`);
}

function route() {
  const view = VIEWS.includes(window.location.hash.slice(1)) ? window.location.hash.slice(1) : 'upload';
  for (const name of VIEWS) {
    byId(`view-${name}`).hidden = name !== view;
    const tab = byId(`tab-${name}`);
    if (name === view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  return view;
}

/** Drops anywhere on the page count; the drop zone shows that it will take them. */
function wireDropping(uploads) {
  const zone = byId('dropzone');
  const input = byId('file-input');
  let depth = 0;
  const hasFiles = (e) => Array.from(e.dataTransfer?.types || []).includes('Files');

  byId('pick-button').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    uploads.addFiles(input.files);
    input.value = '';
  });
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    depth += 1;
    zone.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('dragging');
  });
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dragging');
    if (window.location.hash === '#gallery' || window.location.hash === '#cluster') window.location.hash = '#upload';
    uploads.addFiles(e.dataTransfer.files);
  });
  document.addEventListener('paste', (e) => {
    const target = e.target;
    if (target instanceof HTMLInputElement && target.type !== 'file') return;
    const files = Array.from(e.clipboardData?.items || [])
      .filter((item) => item.kind === 'file' && item.type.startsWith('image/'))
      .map((item) => item.getAsFile())
      .filter(Boolean)
      .map((file, index) => named(file, index));
    if (files.length === 0) return;
    e.preventDefault();
    if (window.location.hash === '#gallery' || window.location.hash === '#cluster') window.location.hash = '#upload';
    uploads.addFiles(files);
  });
}

/** Pasted screenshots are all called "image.png": give each a name a person can tell apart. */
function named(file, index) {
  if (file.name && file.name !== 'image.png') return file;
  const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new File([file], `${t('card.pastedName')}-${stamp}${index ? `-${index + 1}` : ''}.${ext}`, { type: file.type });
}

async function main() {
  const languageSelect = byId('lang-select');
  try {
    await setLanguage(initialLanguage(), false);
  } catch {
    // The page's own English text is already in place; translations just are not available.
  }
  languageSelect.value = language();
  // With keys on, nothing else can be asked before the key: the gallery, presets and stream all need it.
  await ensureKey();
  installLinkHandler();
  byId('auth-pill').hidden = keysOn();

  const announce = announcer();
  const timeline = new Timeline();
  const showTimeline = (id, name, opener) => timeline.open(id, name, opener);
  const options = new OptionsForm();
  let uploads = null;
  let gallery = null;
  const live = new LiveFeed({
    onEvent: (event) => {
      uploads.onEvent(event);
      gallery.onEvent(event);
    },
    onStateChange: (state) => {
      liveIndicator(state);
      if (state !== 'live' && state !== 'connecting') uploads.onLiveDown();
    },
    onResume: () => uploads.onLiveResumed(),
  });
  gallery = new Gallery({ showTimeline });
  uploads = new Uploads({ options, live, announce, showTimeline, onAccepted: () => gallery.markStale() });
  const cluster = new ClusterView();

  wireDropping(uploads);
  onLanguageChange(() => {
    options.relabel();
    uploads.relabel();
    gallery.relabel();
    timeline.relabel();
    cluster.relabel();
    liveIndicator(live.state);
  });
  languageSelect.addEventListener('change', async () => {
    try {
      await setLanguage(languageSelect.value, true);
      announce(t('announce.language'));
    } catch {
      announce(t('error.network'));
      languageSelect.value = language();
    }
  });

  const show = (focus) => {
    const view = route();
    if (view === 'gallery') gallery.show();
    // The cluster view polls only while it is shown.
    if (view === 'cluster') cluster.show();
    else cluster.hide();
    if (focus) byId(`${view}-heading`).focus();
  };
  window.addEventListener('hashchange', () => show(true));
  show(false);

  live.start();
  await options.loadOptions();
  await options.loadPresets();
  document.documentElement.dataset.ready = 'true';
}

main();
