// Everything the pipeline keeps (GET /images), newest first, a page at a time, filtered by status.
import { byId, h } from './dom.js';
import { getMeta, imagePath, listImages } from './api.js';
import { setImageSource } from './auth.js';

function image(path, alt) {
  const img = h('img', { alt, loading: 'lazy', decoding: 'async' });
  setImageSource(img, path);
  return img;
}
import { t, tn } from './i18n.js';
import * as fmt from './format.js';
import { load, save } from './storage.js';

const PAGE_SIZE = 20;
const FILTER_KEY = 'imgpipe.galleryFilter';
const FILTERS = ['all', 'done', 'pending', 'failed'];

export class Gallery {
  constructor({ showTimeline }) {
    this.showTimeline = showTimeline;
    this.grid = byId('gallery-grid');
    this.status = byId('gallery-status');
    this.more = byId('gallery-more');
    this.filter = byId('gallery-filter');
    this.refreshButton = byId('gallery-refresh');
    this.items = [];
    this.next = null;
    this.loaded = false;
    this.stale = false;
    this.loading = false;
    this.error = null;
    this.controller = null;

    const saved = load(FILTER_KEY, 'all');
    this.filter.value = FILTERS.includes(saved) ? saved : 'all';
    this.filter.addEventListener('change', () => {
      save(FILTER_KEY, this.filter.value);
      this.reload();
    });
    this.refreshButton.addEventListener('click', () => this.reload());
    this.more.addEventListener('click', () => this.loadPage());
  }

  show() {
    if (!this.loaded || this.stale) this.reload();
  }

  /** Something new was uploaded: the next visit to the gallery starts from the top again. */
  markStale() {
    this.stale = true;
  }

  reload() {
    if (this.controller) this.controller.abort();
    this.stale = false;
    this.items = [];
    this.next = null;
    this.loaded = true;
    this.grid.replaceChildren();
    this.loadPage();
  }

  async loadPage() {
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    const continuing = document.activeElement === this.more;
    this.loading = true;
    this.error = null;
    this.renderChrome();
    const firstNew = this.items.length;
    try {
      const page = await listImages({ status: this.filter.value, limit: PAGE_SIZE, before: this.next }, controller.signal);
      const items = Array.isArray(page.items) ? page.items : [];
      this.items.push(...items);
      this.next = page.next || null;
      this.grid.append(...items.map((item) => this.tile(item)));
    } catch (e) {
      if (e.name === 'AbortError') return;
      this.error = e;
    } finally {
      if (this.controller === controller) {
        this.loading = false;
        this.controller = null;
      }
    }
    this.renderChrome();
    // After "load more" (disabled while loading, so focus fell off it) continue from the first new picture.
    if (continuing && firstNew > 0) {
      this.grid.children[firstNew]?.querySelector('button')?.focus();
    }
  }

  renderChrome() {
    this.grid.setAttribute('aria-busy', String(this.loading));
    delete this.status.dataset.kind;
    this.status.replaceChildren();
    if (this.error) {
      this.status.dataset.kind = 'error';
      this.status.append(
        t('gallery.error', { reason: fmt.errorLabel(this.error.code) }), ' ',
        h('button', { type: 'button', class: 'button small', onclick: () => (this.items.length ? this.loadPage() : this.reload()) }, t('gallery.retry')));
    } else if (this.loading) {
      this.status.textContent = t('gallery.loading');
    } else if (this.items.length === 0) {
      this.status.dataset.kind = 'empty';
      this.status.textContent = t(`gallery.empty.${this.filter.value}`);
    } else {
      this.status.textContent = tn(this.next ? 'gallery.countMore' : 'gallery.count', this.items.length);
    }
    this.more.hidden = !this.next || Boolean(this.error);
    this.more.disabled = this.loading;
  }

  tile(item) {
    const status = item.status || 'queued';
    const name = item.filename || item.id;
    const frame = h('div', { class: 'frame' });
    if (status === 'done') {
      frame.append(image(imagePath(item.id), t('card.resultAlt', { name })));
    } else if (status === 'failed') {
      frame.append(h('div', { class: 'frame-placeholder failed' }, h('span', { class: 'placeholder-text' }, fmt.errorLabel(item.failure?.reason))));
    } else {
      frame.append(image(imagePath(item.id, '/original'), t('card.originalAlt', { name })));
    }
    const original = item.original || {};
    const result = item.result || null;
    const facts = [
      h('div', {}, h('dt', {}, t('card.original')), h('dd', {}, describe(original))),
      h('div', {}, h('dt', {}, t('card.result')), h('dd', {}, result ? describe(result) : '—')),
    ];
    const links = [
      h('a', { class: 'link-button', href: imagePath(item.id, '/original'), target: '_blank', rel: 'noopener', 'aria-label': t('card.openLabel', { side: t('card.original'), name }) }, t('card.original')),
      status === 'done'
        ? h('a', { class: 'link-button', href: imagePath(item.id), target: '_blank', rel: 'noopener', 'aria-label': t('card.openLabel', { side: t('card.result'), name }) }, t('card.result'))
        : null,
    ];
    const activity = h('button', { type: 'button', class: 'button small subtle', 'aria-label': t('card.activityLabel', { name }) }, t('card.activity'));
    activity.addEventListener('click', () => this.showTimeline(item.id, name, activity));
    return h('li', { class: 'tile', dataset: { state: status, id: item.id } },
      frame,
      h('div', { class: 'tile-body' },
        h('div', { class: 'tile-head' }, h('h2', { class: 'tile-name' }, name), h('span', { class: 'badge' }, fmt.statusLabel(status))),
        h('p', { class: 'tile-date' }, h('time', { datetime: fmt.isoDate(item.createdAt) }, fmt.dateTime(item.createdAt))),
        h('dl', { class: 'tile-facts' }, facts),
        status === 'failed' && item.failure?.message ? h('p', { class: 'tile-error' }, item.failure.message) : null,
        h('div', { class: 'actions' }, activity, links)));
  }

  /** A live event: a listed image that was still in progress gets its tile redrawn when it finishes. */
  async onEvent(event) {
    if (event.service !== 'save2db' || event.event !== 'stored') return;
    const kind = event.detail && event.detail.kind;
    if (kind !== 'result' && kind !== 'failure') return;
    const index = this.items.findIndex((item) => item.id === event.imageId);
    if (index < 0 || this.items[index].status === 'done' || this.items[index].status === 'failed') return;
    try {
      const meta = await getMeta(event.imageId);
      const current = this.items.findIndex((item) => item.id === event.imageId);
      if (current < 0) return;
      this.items[current] = { ...this.items[current], ...meta };
      const old = this.grid.querySelector(`li[data-id="${CSS.escape(event.imageId)}"]`);
      if (!old) return;
      const hadFocus = old.contains(document.activeElement);
      const tile = this.tile(this.items[current]);
      old.replaceWith(tile);
      if (hadFocus) tile.querySelector('button')?.focus();
    } catch {
      // The tile keeps its last known state; Refresh shows the new one.
    }
  }

  relabel() {
    if (!this.loaded) return;
    this.grid.replaceChildren(...this.items.map((item) => this.tile(item)));
    this.renderChrome();
  }
}

function describe(side) {
  if (!side || !side.format) return '—';
  return `${fmt.imageFormat(side.format)} · ${fmt.dimensions(side.width, side.height)} · ${fmt.bytes(side.bytes)}`;
}
