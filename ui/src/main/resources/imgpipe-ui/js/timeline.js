// The activity timeline of one image (GET /image/{id}/events) in a modal <dialog>.
import { byId, h } from './dom.js';
import { getEvents } from './api.js';
import { t, tn, has } from './i18n.js';
import * as fmt from './format.js';

export class Timeline {
  constructor() {
    this.dialog = byId('timeline-dialog');
    this.subject = byId('timeline-subject');
    this.status = byId('timeline-status');
    this.list = byId('timeline-list');
    this.opener = null;
    this.current = null;
    this.controller = null;
    byId('timeline-close').addEventListener('click', () => this.dialog.close());
    // A click on the backdrop lands on the dialog element itself.
    this.dialog.addEventListener('click', (e) => {
      if (e.target === this.dialog) this.dialog.close();
    });
    this.dialog.addEventListener('close', () => {
      if (this.controller) this.controller.abort();
      if (this.opener && this.opener.isConnected) this.opener.focus();
    });
  }

  async open(id, name, opener) {
    this.opener = opener || document.activeElement;
    this.current = { id, name, events: null, error: null };
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const current = this.current;
    try {
      const body = await getEvents(id, this.controller.signal);
      current.events = Array.isArray(body.events) ? [...body.events].sort((a, b) => a.at - b.at) : [];
    } catch (e) {
      if (e.name === 'AbortError') return;
      current.error = e;
    }
    if (current === this.current) this.render();
  }

  render() {
    const current = this.current;
    if (!current) return;
    this.subject.textContent = t('timeline.subject', { name: current.name || current.id, id: current.id });
    this.list.replaceChildren();
    this.list.setAttribute('aria-busy', String(!current.events && !current.error));
    if (current.error) {
      this.status.textContent = t('timeline.error', { reason: fmt.errorLabel(current.error.code) });
      this.status.dataset.kind = 'error';
      return;
    }
    delete this.status.dataset.kind;
    if (!current.events) {
      this.status.textContent = t('timeline.loading');
      return;
    }
    if (current.events.length === 0) {
      this.status.textContent = t('timeline.empty');
      return;
    }
    this.status.textContent = tn('timeline.count', current.events.length);
    const first = current.events[0].at;
    this.list.append(...current.events.map((event) => this.item(event, first)));
  }

  item(event, first) {
    const key = `${event.service}.${event.event}`;
    const label = has(`event.${key}`) ? t(`event.${key}`) : key;
    const details = Object.entries(event.detail || {})
      .filter(([, value]) => value !== '' && value != null && !(typeof value === 'object' && Object.keys(value).length === 0))
      .map(([name, value]) =>
      h('li', {}, h('span', { class: 'detail-key' }, has(`detail.${name}`) ? t(`detail.${name}`) : name), ' ',
        h('span', { class: 'detail-value' }, detailValue(name, value))));
    return h('li', { class: 'timeline-item', dataset: { service: event.service || '' } },
      h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
      h('div', { class: 'timeline-body' },
        h('p', { class: 'timeline-line' },
          h('strong', { class: 'timeline-event' }, label),
          h('span', { class: 'service-tag' }, event.service || '?')),
        h('p', { class: 'timeline-when' },
          h('time', { datetime: fmt.isoDate(event.at) }, fmt.clockTime(event.at)),
          ' · ',
          t('timeline.after', { duration: fmt.duration(event.at - first) })),
        details.length ? h('ul', { class: 'detail-list' }, details) : null));
  }

  relabel() {
    if (this.dialog.open) this.render();
  }
}

function detailValue(name, value) {
  if (name === 'bytes') return fmt.bytes(value);
  if (name === 'kind' && has(`kind.${value}`)) return t(`kind.${value}`);
  if (name === 'reason') return fmt.errorLabel(value);
  if (name === 'format') return fmt.imageFormat(value);
  if (name === 'millis') return fmt.duration(Number(value));
  if (typeof value === 'object') {
    return Array.isArray(value) ? value.join(', ') : Object.entries(value).map(([k, v]) => `${k}=${v}`).join(' · ');
  }
  return String(value);
}
