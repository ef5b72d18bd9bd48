// Live activity from GET /events (Server-Sent Events, "activity" events).
// EventSource reconnects by itself after a dropped connection; when the server refuses the stream
// (readyState CLOSED) we reopen it a bounded number of times. Whoever listens is told when the feed
// is down (cards then long-poll) and when it is back after a gap (cards resynchronise from /meta).
// With API keys on, EventSource cannot send the key: the stream is read with fetch instead (same events).
import { authHeaders, keysOn } from './auth.js';

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
    if (keysOn()) {
      this.openWithFetch();
      return;
    }
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

  /** The same stream read with fetch, so that it can carry the key; reopened a bounded number of times. */
  async openWithFetch() {
    const reopen = () => {
      this.hadGap = true;
      this.setState('offline');
      if (this.reopens < MAX_REOPENS) {
        this.reopens += 1;
        setTimeout(() => this.open(), 2000 * 2 ** this.reopens);
      }
    };
    let response;
    try {
      response = await fetch('/events', { headers: authHeaders({ Accept: 'text/event-stream' }), cache: 'no-store' });
    } catch {
      reopen();
      return;
    }
    if (!response.ok || !response.body) {
      reopen();
      return;
    }
    this.reopens = 0;
    this.setState('live');
    if (this.hadGap) {
      this.hadGap = false;
      this.onResume();
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let type = 'message';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if ((type === 'activity' || type === 'message') && data.length) this.deliver(data.join('\n'));
            type = 'message';
            data = [];
          } else if (line.startsWith('event:')) {
            type = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      }
    } catch {
      // dropped: reopened below
    }
    reopen();
  }

  deliver(text) {
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    if (event && typeof event.imageId === 'string') this.onEvent(event);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.onStateChange(state);
  }
}
