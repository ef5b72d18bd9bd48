// One card per uploaded file: upload progress, then queued → processing → done / failed, then the result
// beside its original with sizes, dimensions, formats, stage times and links.
import { h, setLink } from './dom.js';
import { ApiError, getMeta, imagePath, upload, waitForResult } from './api.js';
import { setImageSource } from './auth.js';
import { t } from './i18n.js';
import * as fmt from './format.js';
import { presetLabel } from './options.js';
import { copyLink } from './clipboard.js';

const RANK = { waiting: 0, uploading: 1, queued: 2, processing: 3, done: 4, failed: 4 };
const MAX_LONG_POLLS = 20;
const LONG_POLL_SECONDS = 30;

export class Card {
  constructor(file, request, ctx) {
    this.file = file;
    this.name = file.name || t('card.unnamed');
    this.request = request;
    this.ctx = ctx;
    this.state = 'waiting';
    this.loaded = 0;
    this.total = file.size;
    this.id = null;
    this.failure = null;
    this.meta = null;
    this.uploadMs = null;
    this.originalStored = false;
    this.polling = false;
    this.previewUrl = URL.createObjectURL(file);
    this.build();
    this.render();
  }

  get final() {
    return this.state === 'done' || this.state === 'failed';
  }

  build() {
    const side = (kind) => {
      const img = h('img', { alt: '', decoding: 'async', loading: 'lazy' });
      const placeholder = h('div', { class: 'frame-placeholder' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'placeholder-text' }));
      const facts = h('dl', { class: 'facts' });
      const open = h('a', { class: 'link-button', target: '_blank', rel: 'noopener' });
      const download = h('a', { class: 'link-button' });
      const copy = h('button', { type: 'button', class: 'link-button', onclick: () => this.copy(kind, copy) });
      const title = h('h4', { class: 'side-title' });
      const figure = h('figure', { class: `side side-${kind}` },
        h('div', { class: 'frame' }, img, placeholder),
        h('figcaption', {}, title, facts, h('div', { class: 'actions' }, open, download, copy)));
      img.addEventListener('load', () => figure.classList.add('has-image'));
      img.addEventListener('error', () => {
        figure.classList.remove('has-image');
        figure.classList.add('no-preview');
        this.renderSide(kind);
      });
      return { figure, img, placeholder, facts, open, download, copy, title };
    };
    this.original = side('original');
    this.result = side('result');
    this.original.img.src = this.previewUrl;

    this.nameEl = h('h3', { class: 'card-name' }, this.name);
    this.badge = h('span', { class: 'badge' });
    this.sub = h('p', { class: 'card-sub' });
    this.progress = h('progress', { class: 'upload-progress', max: '100', value: '0' });
    this.progressText = h('span', { class: 'progress-text', 'aria-hidden': 'true' });
    this.errorTitle = h('strong', { class: 'error-title' });
    this.errorMessage = h('span', { class: 'error-message' });
    this.retryButton = h('button', { type: 'button', class: 'button small', hidden: true, onclick: () => this.retry() });
    this.errorBox = h('div', { class: 'card-error', hidden: true }, this.errorTitle, this.errorMessage, this.retryButton);
    this.timings = h('dl', { class: 'timings-list' });
    this.timingsTitle = h('h4', { class: 'timings-title' });
    this.timingsBox = h('div', { class: 'timings' }, this.timingsTitle, this.timings);
    this.activityButton = h('button', { type: 'button', class: 'button small subtle', disabled: true, onclick: () => this.ctx.showTimeline(this.id, this.name, this.activityButton) });
    this.idEl = h('code', { class: 'card-id' });
    this.variantsTitle = h('h4', { class: 'variants-title' });
    this.variantsList = h('ul', { class: 'variants-list' });
    this.snippet = h('code', { class: 'srcset-snippet' });
    this.snippetCopy = h('button', { type: 'button', class: 'link-button', onclick: () => this.copySnippet() });
    this.snippetTitle = h('h5', { class: 'srcset-title' });
    this.variantsBox = h('section', { class: 'variants', hidden: true }, this.variantsTitle, this.variantsList,
      h('div', { class: 'srcset' }, this.snippetTitle, h('pre', {}, this.snippet), this.snippetCopy));

    this.el = h('li', { class: 'card' },
      h('div', { class: 'card-head' }, this.nameEl, this.badge),
      this.sub,
      h('div', { class: 'progress-row' }, this.progress, this.progressText),
      this.errorBox,
      h('div', { class: 'pair' }, this.original.figure, this.result.figure),
      this.variantsBox,
      this.timingsBox,
      h('div', { class: 'card-foot' }, this.activityButton, this.idEl));
  }

  // ---- rendering (called on every change and on a language switch) ----

  render() {
    this.el.dataset.state = this.state;
    this.el.classList.toggle('rejected', this.state === 'failed' && !this.id);
    this.badge.textContent = fmt.statusLabel(this.state);
    const settings = this.request.variants
      ? `${t('card.variants')}: ${this.request.variants.split(',').join(', ')}`
      : this.request.preset
      ? t('card.preset', { name: presetLabel(this.request.preset) })
      : (this.request.query ? this.request.query.replaceAll('&', ' · ') : t('card.defaults'));
    this.sub.textContent = `${fmt.bytes(this.file.size)} · ${settings}`;

    const fraction = this.total > 0 ? Math.min(1, this.loaded / this.total) : 0;
    const uploaded = RANK[this.state] >= RANK.queued;
    const value = uploaded ? 100 : Math.round(fraction * 100);
    this.progress.value = value;
    this.progress.setAttribute('aria-label', t('card.progressLabel', { name: this.name }));
    this.progress.setAttribute('aria-valuetext', uploaded ? t('card.uploaded') : fmt.percent(value / 100));
    let progressText = uploaded ? t('card.uploaded') : fmt.percent(value / 100);
    if (this.state === 'waiting') progressText = t('card.waiting');
    else if (this.state === 'failed' && !this.id) progressText = t('card.rejected');
    this.progressText.textContent = progressText;

    this.renderError();
    this.renderSide('original');
    this.renderSide('result');
    this.renderTimings();
    this.renderVariants();

    this.activityButton.textContent = t('card.activity');
    this.activityButton.disabled = !this.id;
    this.activityButton.setAttribute('aria-label', t('card.activityLabel', { name: this.name }));
    this.idEl.textContent = this.id ? `id ${this.id}` : '';
  }

  renderError() {
    const failure = this.failure;
    this.errorBox.hidden = !failure;
    if (!failure) return;
    this.errorTitle.textContent = fmt.errorLabel(failure.code);
    this.errorMessage.textContent = failure.message || '';
    this.retryButton.hidden = !failure.retryable;
    // The server said when to come back (Retry-After): the button waits until then.
    const early = failure.retryAt && Date.now() < failure.retryAt;
    this.retryButton.disabled = Boolean(early);
    this.retryButton.textContent = early
      ? t('card.retryIn', { seconds: Math.ceil((failure.retryAt - Date.now()) / 1000) })
      : t('card.retry');
  }

  renderSide(kind) {
    const s = kind === 'original' ? this.original : this.result;
    const data = this.meta ? this.meta[kind] : null;
    s.title.textContent = t(kind === 'original' ? 'card.original' : 'card.result');
    const fallbackFormat = kind === 'original' ? this.file.type.replace(/^image\//, '') : null;
    const size = data?.bytes ?? (kind === 'original' ? this.file.size : null);
    s.facts.replaceChildren(
      h('div', {}, h('dt', {}, t('facts.format')), h('dd', {}, fmt.imageFormat(data?.format || fallbackFormat))),
      h('div', {}, h('dt', {}, t('facts.dimensions')), h('dd', {}, fmt.dimensions(data?.width, data?.height))),
      h('div', {}, h('dt', {}, t('facts.size')), h('dd', { title: fmt.exactBytes(size) }, fmt.bytes(size),
        kind === 'result' ? this.sizeChange() : null)));

    // The gateway answers 404 for an original until save2db has stored it: offer its links from then on.
    const available = kind === 'original' ? Boolean(this.id) && this.originalStored : this.state === 'done';
    const path = this.id ? imagePath(this.id, kind === 'original' ? '/original' : '') : null;
    setLink(s.open, available ? path : null);
    setLink(s.download, available ? path : null, available ? this.downloadName(kind) : undefined);
    s.open.textContent = t('card.open');
    s.download.textContent = t('card.download');
    s.copy.textContent = t('card.copyLink');
    s.copy.disabled = !available;
    const side = t(kind === 'original' ? 'card.original' : 'card.result');
    s.open.setAttribute('aria-label', t('card.openLabel', { side, name: this.name }));
    s.download.setAttribute('aria-label', t('card.downloadLabel', { side, name: this.name }));
    s.copy.setAttribute('aria-label', t('card.copyLabel', { side, name: this.name }));
    s.img.alt = t(kind === 'original' ? 'card.originalAlt' : 'card.resultAlt', { name: this.name });

    const text = s.placeholder.querySelector('.placeholder-text');
    if (kind === 'original') {
      text.textContent = s.figure.classList.contains('no-preview') ? t('card.noPreview') : '';
    } else if (this.state === 'failed') {
      text.textContent = this.failure ? fmt.errorLabel(this.failure.code) : t('status.failed');
    } else if (this.state === 'done') {
      text.textContent = s.figure.classList.contains('no-preview') ? t('card.noPreview') : '';
    } else {
      text.textContent = t(`card.waitingFor.${this.state}`);
    }
    s.placeholder.classList.toggle('busy', kind === 'result' && !this.final);
  }

  /** The result's size against the original's, e.g. "−80 %". */
  sizeChange() {
    const before = this.meta?.original?.bytes;
    const after = this.meta?.result?.bytes;
    if (!before || after == null) return null;
    const change = after / before - 1;
    return h('span', { class: `size-change ${change <= 0 ? 'smaller' : 'larger'}`, title: t('facts.sizeChange') },
      ` ${change > 0 ? '+' : '−'}${fmt.percent(Math.abs(change))}`);
  }

  /** The upload's variants side by side (sizes and bytes), and a ready <img srcset sizes> snippet. */
  renderVariants() {
    const variants = (this.meta?.variants || []).filter((v) => !String(v.name).endsWith('.webp'));
    this.variantsBox.hidden = variants.length < 2;
    if (this.variantsBox.hidden) return;
    this.variantsTitle.textContent = t('card.variants');
    this.snippetTitle.textContent = t('card.srcset');
    this.snippetCopy.textContent = t('card.copySnippet');
    const shown = this.variantImages || (this.variantImages = new Map());
    this.variantsList.replaceChildren(...variants.map((v) => {
      let img = shown.get(v.name);
      if (!img) {
        img = h('img', { alt: '', decoding: 'async', loading: 'lazy' });
        shown.set(v.name, img);
      }
      if (v.status === 'done' && !img.dataset.loaded) {
        img.dataset.loaded = 'true';
        setImageSource(img, imagePath(this.id, `/variants/${encodeURIComponent(v.name)}`));
      }
      img.alt = `${this.name} · ${v.name}`;
      const facts = v.status === 'done'
        ? `${fmt.dimensions(v.width, v.height)} · ${fmt.imageFormat(v.format)} · ${fmt.bytes(v.bytes)}`
        : (v.status === 'failed' ? fmt.errorLabel(v.error?.reason) : fmt.statusLabel(v.status));
      return h('li', { class: `variant variant-${v.status}`, dataset: { variant: v.name } },
        h('div', { class: 'variant-frame' }, img),
        h('strong', { class: 'variant-name' }, v.name),
        h('span', { class: 'variant-facts' }, facts));
    }));
    this.snippet.textContent = this.srcset(variants);
  }

  /** <img> markup that lets the browser pick the variant for its layout width and pixel density. */
  srcset(variants) {
    const done = variants.filter((v) => v.status === 'done' && v.width).sort((a, b) => a.width - b.width);
    if (done.length === 0) return '';
    const url = (v) => new URL(imagePath(this.id, `/variants/${encodeURIComponent(v.name)}`), window.location.href).href;
    const largest = done[done.length - 1];
    const set = done.map((v) => `${url(v)} ${v.width}w`).join(',\n        ');
    return `<img src="${url(largest)}"\n     srcset="${set}"\n     sizes="(max-width: ${largest.width}px) 100vw, ${largest.width}px"\n     width="${largest.width}" height="${largest.height}" alt="">`;
  }

  async copySnippet() {
    const ok = await copyLink(this.snippet.textContent);
    this.ctx.announce(ok ? t('copy.done') : t('copy.failed'));
    this.snippetCopy.textContent = ok ? t('copy.doneShort') : t('copy.failedShort');
    setTimeout(() => { this.snippetCopy.textContent = t('card.copySnippet'); }, 2000);
  }

  renderTimings() {
    const rows = this.stageTimes();
    this.timingsBox.hidden = rows.length === 0;
    this.timingsTitle.textContent = t('timing.heading');
    this.timings.replaceChildren(...rows.map(([key, ms]) =>
      h('div', { class: key === 'total' ? 'total' : null }, h('dt', {}, t(`timing.${key}`)), h('dd', {}, fmt.duration(ms)))));
  }

  /** How long each stage took, from the server's timestamps (plus the upload, measured here). */
  stageTimes() {
    const ts = this.meta?.timestamps || {};
    const span = (from, to) => (ts[from] != null && ts[to] != null ? ts[to] - ts[from] : null);
    const rows = [
      ['upload', this.uploadMs],
      ['original', span('accepted', 'originalStored')],
      ['queue', span('accepted', 'transformStarted')],
      ['transform', span('transformStarted', this.state === 'failed' ? 'failed' : 'transformed')],
      ['store', span('transformed', 'resultStored')],
      ['total', ts.resultStored != null ? span('accepted', 'resultStored') : span('accepted', 'failed')],
    ];
    return rows.filter(([, ms]) => ms != null && ms >= 0);
  }

  downloadName(kind) {
    if (kind === 'original') return this.name;
    const base = this.name.replace(/\.[^.]*$/, '') || 'image';
    const format = this.meta?.result?.format;
    const ext = format ? (String(format).toLowerCase() === 'jpeg' ? 'jpg' : String(format).toLowerCase()) : 'img';
    return `${base}-imgpipe.${ext}`;
  }

  // ---- life cycle ----

  async start() {
    this.failure = null;
    this.loaded = 0;
    this.setState('uploading', true);
    const started = performance.now();
    const { promise } = upload(this.file, this.request.query, (loaded, total) => {
      this.loaded = loaded;
      this.total = total || this.file.size;
      this.render();
    });
    try {
      const accepted = await promise;
      this.uploadMs = performance.now() - started;
      this.id = accepted.id;
      this.setState(accepted.status === 'processing' ? 'processing' : 'queued');
      this.ctx.attach(this);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'network', '');
      this.fail({ code: error.code, message: error.serverMessage, retryable: error.retryable, retryAfter: error.retryAfter });
    }
  }

  retry() {
    if (this.id) {
      // Accepted already: only the watching failed, so watch again.
      this.failure = null;
      this.state = 'queued';
      this.render();
      this.ctx.attach(this);
      return;
    }
    this.state = 'waiting';
    this.ctx.enqueue(this);
  }

  /** Moves forward only: events can arrive late, twice, or out of order across gateways. */
  setState(state, force = false) {
    if (!force && (this.final || RANK[state] <= RANK[this.state])) return false;
    this.state = state;
    this.render();
    if (state === 'done') this.ctx.announce(t('announce.done', { name: this.name }));
    if (state === 'failed') this.ctx.announce(t('announce.failed', { name: this.name, reason: fmt.errorLabel(this.failure?.code) }));
    this.ctx.changed(this);
    return true;
  }

  fail(failure) {
    if (this.state === 'done') return;
    if (failure.retryAfter) {
      failure.retryAt = Date.now() + failure.retryAfter * 1000;
      setTimeout(() => this.renderError(), failure.retryAfter * 1000 + 50);
    }
    this.failure = failure;
    if (!this.setState('failed', true)) this.render();
  }

  /** Applies one activity event about this image. */
  apply(event) {
    const detail = event.detail || {};
    switch (`${event.service}.${event.event}`) {
      case 'gateway.accepted':
        this.setState('queued');
        break;
      case 'transformer.started':
        this.setState('processing');
        break;
      case 'transformer.failed':
        this.fail({ code: detail.reason || 'failed', message: detail.message || '' });
        break;
      case 'save2db.stored':
        if (detail.kind === 'original') {
          this.originalStored = true;
          this.render();
        } else if (String(detail.kind || '').startsWith('variant:')) {
          if (this.state === 'done') this.loadMeta();
        } else if (detail.kind === 'result') this.complete();
        else if (detail.kind === 'failure') {
          if (!this.failure) this.fail({ code: detail.reason || 'failed', message: detail.message || '' });
          this.loadMeta();
        }
        break;
      default:
        break;
    }
  }

  complete() {
    if (this.state === 'done') return;
    this.failure = null;
    this.originalStored = true;
    this.setState('done', this.state === 'failed');
    setImageSource(this.result.img, imagePath(this.id));
    this.loadMeta();
  }

  async loadMeta() {
    try {
      this.meta = await getMeta(this.id);
      if (this.meta.timestamps?.originalStored) this.originalStored = true;
      if (this.meta.status === 'failed' && this.meta.failure && (!this.failure || this.failure.code === 'failed')) {
        this.failure = { code: this.meta.failure.reason, message: this.meta.failure.message };
      }
      this.render();
    } catch {
      // The picture and status are right already; only the figures are missing. Say so instead of guessing.
      this.timingsBox.hidden = false;
      this.timings.replaceChildren(h('div', {}, h('dt', {}, t('card.metaUnavailable'))));
    }
  }

  /** After a gap in the live feed: ask the server where this image stands. */
  async resync() {
    if (!this.id || this.final) return;
    try {
      const meta = await getMeta(this.id);
      this.meta = meta;
      if (meta.timestamps?.originalStored) this.originalStored = true;
      this.fromStatus(meta.status, meta.failure?.reason, meta.failure?.message);
    } catch {
      // Still unknown; the live feed or a long poll will tell.
    }
  }

  fromStatus(status, reason, message) {
    if (status === 'done') this.complete();
    else if (status === 'failed') {
      this.fail({ code: reason || 'failed', message: message || '' });
      this.loadMeta();
    } else if (status === 'processing') this.setState('processing');
    else if (status === 'queued') this.setState('queued');
  }

  /** Without live events: one long poll at a time, repeated only while the answer is "not yet", bounded. */
  async longPoll() {
    if (this.polling || !this.id || this.final) return;
    this.polling = true;
    try {
      for (let round = 0; round < MAX_LONG_POLLS && !this.final; round += 1) {
        const answer = await waitForResult(this.id, LONG_POLL_SECONDS);
        this.fromStatus(answer.status, answer.error, answer.message);
        if (this.final || this.ctx.liveHealthy()) break;
      }
      if (!this.final && !this.ctx.liveHealthy()) {
        this.fail({ code: 'still_waiting', message: '', retryable: true });
      }
    } catch (e) {
      if (!this.final) {
        const error = e instanceof ApiError ? e : new ApiError(0, 'network', '');
        this.fail({ code: error.code, message: error.serverMessage, retryable: true });
      }
    } finally {
      this.polling = false;
    }
  }

  async copy(kind, button) {
    const path = imagePath(this.id, kind === 'original' ? '/original' : '');
    const url = new URL(path, window.location.href).href;
    const ok = await copyLink(url);
    this.ctx.announce(ok ? t('copy.done') : t('copy.failed'));
    button.textContent = ok ? t('copy.doneShort') : t('copy.failedShort');
    button.classList.toggle('copied', ok);
    setTimeout(() => {
      button.textContent = t('card.copyLink');
      button.classList.remove('copied');
    }, 2000);
  }

  dispose() {
    URL.revokeObjectURL(this.previewUrl);
    this.el.remove();
  }
}
