// The upload view: takes files (drop, picker, paste), runs a few uploads at a time, routes live events to cards.
import { byId } from './dom.js';
import { t, tn } from './i18n.js';
import { Card } from './cards.js';

const PARALLEL_UPLOADS = 3;
const MAX_BUFFERED_IDS = 500;

export class Uploads {
  constructor({ options, live, announce, showTimeline, onAccepted }) {
    this.options = options;
    this.live = live;
    this.announceText = announce;
    this.showTimelineFn = showTimeline;
    this.onAccepted = onAccepted;
    this.list = byId('cards');
    this.empty = byId('cards-empty');
    this.clearButton = byId('clear-finished');
    this.cards = [];
    this.byId = new Map();
    // Events can beat the 202 answer that tells us the id: keep them until a card claims them.
    this.early = new Map();
    this.queue = [];
    this.running = 0;
    this.clearButton.addEventListener('click', () => this.clearFinished());
  }

  /** Adds a card per file and starts uploading them. */
  addFiles(files) {
    const list = Array.from(files || []).filter((file) => file && file.size >= 0);
    if (list.length === 0) return;
    const problem = this.options.validate();
    if (problem) {
      this.options.showError(problem);
      this.announce(t(problem));
      return;
    }
    const request = this.options.request();
    const cards = list.map((file) => new Card(file, request, this));
    // Newest batch on top, in the order the files were given.
    this.list.prepend(...cards.map((card) => card.el));
    this.cards.push(...cards);
    this.announce(tn('announce.added', cards.length));
    for (const card of cards) this.enqueue(card);
    this.refreshChrome();
  }

  enqueue(card) {
    card.render();
    this.queue.push(card);
    this.pump();
  }

  pump() {
    while (this.running < PARALLEL_UPLOADS && this.queue.length > 0) {
      const card = this.queue.shift();
      this.running += 1;
      card.start().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /** Called by a card once the gateway accepted it and gave it an id. */
  attach(card) {
    this.byId.set(card.id, card);
    this.onAccepted();
    const early = this.early.get(card.id);
    if (early) {
      this.early.delete(card.id);
      for (const event of early) card.apply(event);
    }
    if (!card.final && !this.live.healthy) card.longPoll();
  }

  onEvent(event) {
    const card = this.byId.get(event.imageId);
    if (card) {
      card.apply(event);
      return;
    }
    if (!this.cards.some((c) => !c.id && !c.final)) return;
    const events = this.early.get(event.imageId) || [];
    events.push(event);
    this.early.set(event.imageId, events);
    if (this.early.size > MAX_BUFFERED_IDS) this.early.delete(this.early.keys().next().value);
  }

  /** The live feed is down: every card still waiting falls back to its own long poll. */
  onLiveDown() {
    for (const card of this.cards) if (card.id && !card.final) card.longPoll();
  }

  /** The live feed is back after a gap: events may have been missed, so ask once per waiting card. */
  onLiveResumed() {
    for (const card of this.cards) if (card.id && !card.final) card.resync();
  }

  liveHealthy() {
    return this.live.healthy;
  }

  showTimeline(id, name, opener) {
    this.showTimelineFn(id, name, opener);
  }

  announce(text) {
    this.announceText(text);
  }

  changed() {
    this.refreshChrome();
  }

  clearFinished() {
    const keep = [];
    for (const card of this.cards) {
      if (card.final) {
        card.dispose();
        if (card.id) this.byId.delete(card.id);
      } else keep.push(card);
    }
    this.cards = keep;
    this.refreshChrome();
    byId('pick-button').focus();
  }

  refreshChrome() {
    this.empty.hidden = this.cards.length > 0;
    this.clearButton.hidden = !this.cards.some((card) => card.final);
  }

  relabel() {
    for (const card of this.cards) card.render();
  }
}
