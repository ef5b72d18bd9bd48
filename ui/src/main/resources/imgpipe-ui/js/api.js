// The gateway's HTTP API, same origin. Errors come back as {"error": code, "message": text}.
import { authHeaders, writeHeaders } from './auth.js';

const ID = /^[0-9a-f]{32}$/i;

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.serverMessage = message || '';
    this.retryAfter = retryAfter;
  }

  /** Worth another try as is: the network dropped or the gateway shed load. */
  get retryable() {
    return this.status === 0 || this.status === 503 || this.status === 429 || this.status === 502 || this.status === 504;
  }
}

export function isImageId(id) {
  return typeof id === 'string' && ID.test(id);
}

export function imagePath(id, part = '') {
  return `/image/${encodeURIComponent(id)}${part}`;
}

function retryAfterSeconds(header) {
  const seconds = Number.parseInt(header || '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function errorFrom(status, text, retryAfter) {
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const code = body && typeof body.error === 'string' ? body.error : `http_${status}`;
  const message = body && typeof body.message === 'string' ? body.message : '';
  return new ApiError(status, code, message, retryAfterSeconds(retryAfter));
}

/**
 * Sends one file as the raw body of POST /image. XMLHttpRequest rather than fetch: only it reports upload progress.
 * Resolves with the 202 answer; rejects with an ApiError.
 */
export function upload(file, query, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', query ? `/image?${query}` : '/image');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(writeHeaders())) xhr.setRequestHeader(name, value);
    // The gateway keeps the name for the gallery; percent-encoded because header values are Latin-1.
    if (file.name) xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const body = JSON.parse(xhr.responseText);
          if (!isImageId(body.id)) throw new Error('no id');
          resolve(body);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', ''));
        }
      } else {
        reject(errorFrom(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', '')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', '')));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

async function getJson(path, signal) {
  let response;
  try {
    response = await fetch(path, { headers: authHeaders({ Accept: 'application/json' }), cache: 'no-store', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '');
  }
  const text = await response.text();
  if (!response.ok) throw errorFrom(response.status, text, response.headers.get('Retry-After'));
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'bad_response', '');
  }
}

export const getMeta = (id, signal) => getJson(imagePath(id, '/meta'), signal);
export const getEvents = (id, signal) => getJson(imagePath(id, '/events'), signal);
export const getPresets = () => getJson('/presets');
/** The transform options (name, type, range or choices, default), from the table the gateway's parser uses. */
export const getOptions = () => getJson('/options');
export const getCluster = () => getJson('/cluster');

export function listImages({ status = 'all', limit = 20, before = null }, signal) {
  const query = new URLSearchParams({ status, limit: String(limit) });
  if (before) query.set('before', before);
  return getJson(`/images?${query}`, signal);
}

/**
 * One long poll: GET /image/{id}?wait=N answers as soon as the result exists.
 * Resolves {status: 'queued'|'processing'|'done'|'failed', error?, message?}.
 */
export async function waitForResult(id, seconds = 30) {
  let response;
  try {
    response = await fetch(`${imagePath(id)}?wait=${seconds}`, { headers: authHeaders(), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const type = response.headers.get('Content-Type') || '';
  if (response.status === 200 && !type.includes('json')) {
    // The result itself: the card loads it by URL, so stop reading it here.
    if (response.body) response.body.cancel().catch(() => {});
    return { status: 'done' };
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (body && body.status === 'failed') return { status: 'failed', error: body.error, message: body.message };
  if (response.status === 202) return { status: body && body.status ? body.status : 'queued' };
  throw errorFrom(response.status, text, response.headers.get('Retry-After'));
}
