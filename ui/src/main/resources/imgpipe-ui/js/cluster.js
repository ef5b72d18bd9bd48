// The Cluster tab: every service instance the gateway hears heartbeats from, and the work queues' depths.
// Polls GET /cluster while the tab is shown; the image event stream does not carry heartbeats.
import { byId, h } from './dom.js';
import { getCluster } from './api.js';
import { language, t } from './i18n.js';

const POLL_MS = 3000;

function number(n, digits = 0) {
  if (n == null || !Number.isFinite(Number(n))) return '—';
  return new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(Number(n));
}

function uptime(seconds) {
  if (seconds == null) return '—';
  const d = Math.floor(seconds / 86400);
  const hrs = Math.floor((seconds % 86400) / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  if (d > 0) return `${d} d ${hrs} h`;
  if (hrs > 0) return `${hrs} h ${min} min`;
  if (min > 0) return `${min} min ${sec} s`;
  return `${sec} s`;
}

function table(caption, headers, rows) {
  return h('table', { class: 'cluster-table' },
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col', text })))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((text) => h('td', { text }))))));
}

export class ClusterView {
  constructor() {
    this.timer = null;
    this.last = null;
    byId('cluster-refresh').addEventListener('click', () => this.load());
  }

  show() {
    this.hide();
    this.load();
    this.timer = window.setInterval(() => this.load(), POLL_MS);
  }

  hide() {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
  }

  relabel() {
    if (this.last) this.render(this.last);
  }

  async load() {
    const status = byId('cluster-status');
    try {
      this.last = await getCluster();
      status.dataset.kind = '';
      status.textContent = '';
      this.render(this.last);
    } catch (e) {
      status.dataset.kind = 'error';
      status.textContent = e.status === 403 ? t('cluster.forbidden') : t('cluster.error', { reason: e.message });
    }
  }

  render(cluster) {
    const instances = cluster.instances || [];
    const queues = cluster.queues || [];
    byId('cluster-instances').replaceChildren(instances.length === 0
      ? h('p', { class: 'gallery-status', text: t('cluster.none') })
      : table(t('cluster.instances'), [t('cluster.service'), t('cluster.instance'), t('cluster.version'),
        t('cluster.uptime'), t('cluster.consumers'), t('cluster.inFlight'), t('cluster.rate')],
      instances.map((i) => [i.service, i.instance, i.version, uptime(i.uptimeSeconds), number(i.consumers),
        number(i.inFlight), i.ratePerSecond == null ? '—' : number(i.ratePerSecond, 1)])));
    byId('cluster-queues').replaceChildren(queues.length === 0
      ? h('p', { class: 'gallery-status', text: t('cluster.queuesUnknown') })
      : table(t('cluster.queues'), [t('cluster.queue'), t('cluster.messages'), t('cluster.consumers')],
        queues.map((q) => [q.queue, number(q.messages), number(q.consumers)])));
  }
}
