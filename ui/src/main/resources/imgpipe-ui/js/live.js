// Live activity from GET /events (Server-Sent Events, "activity" events).
// EventSource reconnects by itself after a dropped connection; when the server refuses the stream
// (readyState CLOSED) we reopen it a bounded number of times. Whoever listens is told when the feed
// is down (cards then long-poll) and when it is back after a gap (cards resynchronise from /meta).

const MAX_REOPENS = 5;

export class LiveFeed {
  constructor({ onEvent, onStateChange, onResume }) {
    this.onEvent = onEvent;
    this.onStateChange = onStateChange;
    this.onResume = onResume;
    this.state = 'connecting';
    this.source = null;
    this.hadGap = false;
    this.reopens = 0;
  }

  get supported() {
    return typeof window.EventSource === 'function';
  }

  /** True while events are flowing; otherwise callers should not wait for them. */
  get healthy() {
    return this.state === 'live';
  }

  start() {
    if (!this.supported) {
      this.setState('unsupported');
      return;
    }
    this.open();
  }

  open() {
    const source = new EventSource('/events');
    this.source = source;
    source.addEventListener('open', () => {
      this.reopens = 0;
      this.setState('live');
      if (this.hadGap) {
        this.hadGap = false;
        this.onResume();
      }
    });
    source.addEventListener('error', () => {
      this.hadGap = true;
      if (source.readyState === EventSource.CLOSED) {
        this.setState('offline');
        if (this.reopens < MAX_REOPENS) {
          this.reopens += 1;
          setTimeout(() => this.open(), 2000 * 2 ** this.reopens);
        }
      } else {
        this.setState('reconnecting');
      }
    });
    const deliver = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event && typeof event.imageId === 'string') this.onEvent(event);
    };
    source.addEventListener('activity', deliver);
    source.addEventListener('message', deliver);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.onStateChange(state);
  }
}
