// The HTTP API the UI drives: Metronome's /v1 for jobs, runs and schedules (the same calls
// any Metronome client makes), and Sundial's /api for paged listings and previews.

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** Metronome's 422 `details: [{path, errors}]`, or []. */
  get details() {
    return Array.isArray(this.body?.details) ? this.body.details : [];
  }
}

function messageOf(status, body) {
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body.trim()) return body.trim();
  return `HTTP ${status}`;
}

export async function request(method, path, { body, signal } = {}) {
  const init = { method, signal, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data, messageOf(response.status, data));
  return data;
}

const enc = encodeURIComponent;

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value == null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  listJobs: (params, signal) => request('GET', `/api/jobs${query(params)}`, { signal }),
  dependencies: (id, signal) => request('GET', `/api/jobs/${enc(id)}/dependencies`, { signal }),
  scheduleNext: (expression, timezone, signal) =>
    request('GET', `/api/schedule/next${query({ expression, timezone, count: 5 })}`, { signal }),

  job: (id, signal) => request('GET', `/v1/jobs/${enc(id)}?embed=activeRuns&embed=history`, { signal }),
  createJob: (spec) => request('POST', '/v1/jobs', { body: spec }),
  updateJob: (id, spec) => request('PUT', `/v1/jobs/${enc(id)}`, { body: spec }),
  deleteJob: (id, stopCurrentJobRuns) =>
    request('DELETE', `/v1/jobs/${enc(id)}${stopCurrentJobRuns ? '?stopCurrentJobRuns=true' : ''}`),

  addSchedule: (id, schedule) => request('POST', `/v1/jobs/${enc(id)}/schedules`, { body: schedule }),
  updateSchedule: (id, scheduleId, schedule) =>
    request('PUT', `/v1/jobs/${enc(id)}/schedules/${enc(scheduleId)}`, { body: schedule }),
  deleteSchedule: (id, scheduleId) => request('DELETE', `/v1/jobs/${enc(id)}/schedules/${enc(scheduleId)}`),

  startRun: (id) => request('POST', `/v1/jobs/${enc(id)}/runs`),
  run: (id, runId, signal) => request('GET', `/v1/jobs/${enc(id)}/runs/${enc(runId)}`, { signal }),
  stopRun: (id, runId) => request('POST', `/v1/jobs/${enc(id)}/runs/${enc(runId)}/actions/stop`),

  /** The URL of a task's log; the caller streams it (see components/log-viewer.js). */
  logURL: (id, runId, stream, params) =>
    `/v1/jobs/${enc(id)}/runs/${enc(runId)}/logs/${stream}${query(params)}`,
};
