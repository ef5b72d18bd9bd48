// The transform settings form: a server preset, or custom width/height/fit/format/quality/rotate/grayscale, whether
// metadata is kept (strip=false) and whether animations become stills (frames=first).
// Whatever is chosen is remembered in localStorage for the next visit. Ranges, choices and defaults come from the
// gateway's GET /options (the one option table the parser also uses); the page only keeps its own starting size.
import { byId, h } from './dom.js';
import { getOptions, getPresets } from './api.js';
import { t, has } from './i18n.js';
import { load, save } from './storage.js';

const STORAGE_KEY = 'imgpipe.options';
const DEFAULTS = { preset: '', variants: '', width: '800', height: '800', fit: 'inside', format: 'auto', quality: '85', rotate: '0', grayscale: false,
  keepMetadata: false, firstFrame: false };
// Formats whose encoder takes a quality: a property of the engine's writers, not of the option grammar.
const LOSSY = new Set(['auto', 'jpeg', 'webp', 'avif']);
// The form's fields that are options of the table; the field of option NAME is #opt-NAME.
const FIELDS = ['width', 'height', 'fit', 'format', 'quality', 'rotate', 'grayscale'];

export class OptionsForm {
  constructor() {
    this.form = byId('options-form');
    this.preset = byId('opt-preset');
    this.variants = byId('opt-variants');
    this.presetHint = byId('opt-preset-hint');
    this.custom = byId('opt-custom');
    this.width = byId('opt-width');
    this.height = byId('opt-height');
    this.fit = byId('opt-fit');
    this.format = byId('opt-format');
    this.quality = byId('opt-quality');
    this.qualityOut = byId('opt-quality-out');
    this.rotate = byId('opt-rotate');
    this.grayscale = byId('opt-grayscale');
    this.keepMetadata = byId('opt-keep-metadata');
    this.firstFrame = byId('opt-first-frame');
    this.error = byId('options-error');
    this.presets = {};
    this.saved = { ...DEFAULTS, ...load(STORAGE_KEY, {}) };

    this.restore(this.saved);
    this.form.addEventListener('input', () => this.changed());
    this.form.addEventListener('change', () => this.changed());
    this.form.addEventListener('submit', (e) => e.preventDefault());
  }

  /**
   * Applies the gateway's option table to the form: ranges of the number fields, the choices of the lists (a choice
   * the table does not have is removed, one the page has no label for is added under its name) and the defaults.
   * Without an answer the form keeps the ranges written in the page.
   */
  async loadOptions() {
    let table = [];
    try {
      const body = await getOptions();
      table = body && Array.isArray(body.options) ? body.options : [];
    } catch {
      table = [];
    }
    for (const option of table) {
      if (!option || !FIELDS.includes(option.name)) continue;
      const field = byId(`opt-${option.name}`);
      if (typeof option.minimum === 'number' && field.tagName === 'INPUT') {
        field.min = String(option.minimum);
        field.max = String(option.maximum);
      }
      if (Array.isArray(option.values) && field.tagName === 'SELECT') {
        const allowed = option.values.map(String);
        for (const existing of [...field.options]) {
          if (!allowed.includes(existing.value)) existing.remove();
        }
        for (const value of allowed) {
          if (![...field.options].some((o) => o.value === value)) field.append(h('option', { value }, value));
        }
      }
      if (option.name === 'quality' && typeof option.default === 'number') DEFAULTS.quality = String(option.default);
    }
    this.saved = { ...DEFAULTS, ...load(STORAGE_KEY, {}) };
    this.restore(this.saved);
  }

  async loadPresets() {
    try {
      const body = await getPresets();
      this.presets = body && typeof body.presets === 'object' && body.presets ? body.presets : {};
    } catch {
      this.presets = {};
    }
    for (const name of Object.keys(this.presets).sort()) {
      this.preset.append(h('option', { value: name }, presetLabel(name)));
    }
    // A remembered preset the server no longer has falls back to custom settings.
    this.preset.value = this.saved.preset in this.presets ? this.saved.preset : '';
    this.sync();
  }

  restore(values) {
    this.variants.value = values.variants || '';
    this.width.value = values.width;
    this.height.value = values.height;
    this.fit.value = values.fit;
    this.format.value = values.format;
    this.quality.value = values.quality;
    this.rotate.value = values.rotate;
    this.grayscale.checked = Boolean(values.grayscale);
    this.keepMetadata.checked = Boolean(values.keepMetadata);
    this.firstFrame.checked = Boolean(values.firstFrame);
    this.preset.value = '';
    this.sync();
  }

  values() {
    return {
      preset: this.preset.value,
      variants: this.variants.value.trim(),
      width: this.width.value.trim(),
      height: this.height.value.trim(),
      fit: this.fit.value,
      format: this.format.value,
      quality: this.quality.value,
      rotate: this.rotate.value,
      grayscale: this.grayscale.checked,
      keepMetadata: this.keepMetadata.checked,
      firstFrame: this.firstFrame.checked,
    };
  }

  changed() {
    this.sync();
    save(STORAGE_KEY, this.values());
    this.showError(null);
  }

  /** Brings the dependent parts of the form in line with the chosen values. */
  sync() {
    const preset = this.preset.value;
    const variants = Boolean(this.variants.value.trim());
    this.custom.disabled = Boolean(preset) || variants;
    this.preset.disabled = variants;
    this.qualityOut.value = this.quality.value;
    this.quality.closest('.field').classList.toggle('muted', !LOSSY.has(this.format.value));
    this.presetHint.removeAttribute('data-i18n');
    this.presetHint.textContent = preset
      ? t('options.preset.hint', { query: this.presets[preset] || '' })
      : t('options.preset.customHint');
  }

  relabel() {
    for (const option of this.preset.options) {
      if (option.value) option.textContent = presetLabel(option.value);
    }
    this.sync();
    if (this.errorKey) this.showError(this.errorKey);
  }

  /** An error key when the settings cannot work (checked before anything is sent), else null. */
  validate() {
    if (this.preset.value || this.variants.value.trim()) return null;
    const { width, height, fit } = this.values();
    // The upper bound is the option table's (GET /options); without it the gateway's 400 still names the limit.
    const max = Number(this.width.max) || Infinity;
    for (const value of [width, height]) {
      if (value && !(/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max)) return 'options.error.dimension';
    }
    if ((fit === 'cover' || fit === 'fill') && (!width || !height)) return 'options.error.coverNeedsBoth';
    return null;
  }

  showError(key) {
    this.errorKey = key;
    this.error.hidden = !key;
    this.error.textContent = key ? t(key) : '';
  }

  /** The query string for POST /image, and how to describe it on a card. */
  request() {
    const v = this.values();
    if (v.variants) {
      const names = v.variants.split(',').map((n) => n.trim()).filter(Boolean).join(',');
      return { query: new URLSearchParams({ variants: names }).toString(), preset: null, variants: names };
    }
    if (v.preset) return { query: new URLSearchParams({ preset: v.preset }).toString(), preset: v.preset };
    const query = new URLSearchParams();
    if (v.width) query.set('width', v.width);
    if (v.height) query.set('height', v.height);
    if (v.width || v.height) query.set('fit', v.fit);
    if (v.format !== 'auto') query.set('format', v.format);
    if (LOSSY.has(v.format)) query.set('quality', v.quality);
    if (v.rotate !== '0') query.set('rotate', v.rotate);
    if (v.grayscale) query.set('grayscale', 'true');
    if (v.keepMetadata) query.set('strip', 'false');
    if (v.firstFrame) query.set('frames', 'first');
    return { query: query.toString(), preset: null };
  }
}

export function presetLabel(name) {
  return has(`preset.${name}`) ? t(`preset.${name}`) : name;
}
