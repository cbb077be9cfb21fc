// The job form edits a Metronome JobSpec document. The form shows the fields of the seed's
// New Job page; everything else in the document (env, placement, volumes, secrets,
// networks, dependencies, …) is carried through untouched, so Form ⇄ JSON round-trips.

/** The schedule a new job starts with when the user ticks "Run on a schedule". */
export const DEFAULT_SCHEDULE = {
  id: 'default', cron: '0 * * * *', timezone: 'UTC', startingDeadlineSeconds: 900, concurrencyPolicy: 'ALLOW', enabled: true,
};

export function newJobDocument(group = '') {
  return {
    id: group ? `${group}.` : '',
    description: '',
    run: { cpus: 0.1, mem: 128, disk: 0, cmd: '' },
  };
}

/** Drops what GET answers but a write must not send (output-only fields and embeds). */
export function editableDocument(job) {
  const doc = structuredClone(job);
  for (const key of ['activeRuns', 'history', 'historySummary']) delete doc[key];
  if (Array.isArray(doc.schedules)) {
    doc.schedules = doc.schedules.map(({ nextRunAt, ...schedule }) => schedule);
  }
  return doc;
}

const text = (value) => (value == null ? '' : String(value));

/** The form's view of a document: strings as typed, lists as rows. */
export function toForm(doc) {
  const run = doc.run ?? {};
  const docker = run.docker ?? null;
  const ucr = run.ucr ?? null;
  const schedule = doc.schedules?.[0] ?? null;
  return {
    id: text(doc.id),
    description: text(doc.description),
    cpus: text(run.cpus),
    mem: text(run.mem),
    disk: text(run.disk),
    gpus: text(run.gpus),
    jobType: docker || ucr ? 'container' : 'command',
    cmd: text(run.cmd),
    runtime: docker ? 'docker' : 'ucr',
    image: text(docker ? docker.image : ucr?.image?.id),
    forcePull: Boolean(docker ? docker.forcePullImage : ucr?.image?.forcePull),
    privileged: Boolean(docker ? docker.privileged : ucr?.privileged),
    parameters: (docker?.parameters ?? []).map((p) => ({ key: text(p.key), value: text(p.value) })),
    args: (run.args ?? []).map(text),
    hasSchedule: Boolean(schedule),
    schedule: {
      id: text(schedule?.id ?? DEFAULT_SCHEDULE.id),
      cron: text(schedule?.cron ?? DEFAULT_SCHEDULE.cron),
      timezone: text(schedule?.timezone ?? DEFAULT_SCHEDULE.timezone),
      startingDeadlineSeconds: text(schedule?.startingDeadlineSeconds ?? DEFAULT_SCHEDULE.startingDeadlineSeconds),
      concurrencyPolicy: schedule?.concurrencyPolicy ?? DEFAULT_SCHEDULE.concurrencyPolicy,
      enabled: schedule ? schedule.enabled !== false : true,
    },
    killGracePeriod: text(run.taskKillGracePeriodSeconds),
    maxLaunchDelay: text(run.maxLaunchDelay),
    user: text(run.user),
    artifacts: (run.artifacts ?? []).map((a) => ({
      uri: text(a.uri), extract: a.extract !== false, executable: Boolean(a.executable), cache: Boolean(a.cache),
    })),
    restartPolicy: run.restart?.policy ?? 'NEVER',
    activeDeadlineSeconds: text(run.restart?.activeDeadlineSeconds),
    labels: Object.entries(doc.labels ?? {}).map(([key, value]) => ({ key, value: text(value) })),
  };
}

/**
 * A number typed into the form: a JSON number when it reads as one, otherwise the text
 * itself, so the server's validation names the field instead of the UI guessing.
 */
function numberOrText(value) {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

function setOrDelete(object, key, value) {
  if (value === undefined || value === '') delete object[key];
  else object[key] = value;
}

/** Writes the form's values over `base`, keeping every field the form does not show. */
export function fromForm(form, base = {}) {
  const doc = structuredClone(base);
  setOrDelete(doc, 'id', form.id.trim());
  setOrDelete(doc, 'description', form.description);
  const run = { ...(doc.run ?? {}) };
  for (const key of ['cpus', 'mem', 'disk', 'gpus']) setOrDelete(run, key, numberOrText(form[key]));
  setOrDelete(run, 'cmd', form.cmd);

  delete run.docker;
  delete run.ucr;
  if (form.jobType === 'container') {
    if (form.runtime === 'docker') {
      run.docker = {
        ...(base.run?.docker ?? {}),
        image: form.image.trim(),
        forcePullImage: form.forcePull,
        privileged: form.privileged,
        parameters: form.parameters.filter((p) => p.key || p.value).map((p) => ({ key: p.key, value: p.value })),
      };
    } else {
      const baseUCR = base.run?.ucr ?? {};
      run.ucr = {
        ...baseUCR,
        image: { ...(baseUCR.image ?? {}), id: form.image.trim(), forcePull: form.forcePull },
        privileged: form.privileged,
      };
    }
  }
  const args = form.args.filter((arg) => arg !== '');
  if (args.length) run.args = args;
  else delete run.args;

  setOrDelete(run, 'taskKillGracePeriodSeconds', numberOrText(form.killGracePeriod));
  setOrDelete(run, 'maxLaunchDelay', numberOrText(form.maxLaunchDelay));
  setOrDelete(run, 'user', form.user.trim());

  const artifacts = form.artifacts.filter((a) => a.uri.trim() !== '')
    .map((a) => ({ uri: a.uri.trim(), extract: a.extract, executable: a.executable, cache: a.cache }));
  if (artifacts.length || base.run?.artifacts) run.artifacts = artifacts;
  else delete run.artifacts;

  const restart = { policy: form.restartPolicy };
  const deadline = form.restartPolicy === 'ON_FAILURE' ? numberOrText(form.activeDeadlineSeconds) : undefined;
  if (deadline !== undefined) restart.activeDeadlineSeconds = deadline;
  if (form.restartPolicy !== 'NEVER' || deadline !== undefined || base.run?.restart) run.restart = restart;
  else delete run.restart;
  doc.run = run;

  const labels = {};
  for (const { key, value } of form.labels) if (key.trim()) labels[key.trim()] = value;
  if (Object.keys(labels).length || base.labels) doc.labels = labels;
  else delete doc.labels;

  if (form.hasSchedule) {
    const previous = base.schedules?.[0] ?? {};
    const { nextRunAt, ...kept } = previous;
    const cron = form.schedule.cron.trim();
    // An ISO 8601 interval (a Chronos job) without a zone keeps its start's own offset;
    // writing UTC there would move it.
    const interval = cron.startsWith('R') && cron.includes('/');
    doc.schedules = [{
      ...kept,
      id: form.schedule.id.trim(),
      cron,
      timezone: form.schedule.timezone.trim() || (interval ? '' : 'UTC'),
      startingDeadlineSeconds: numberOrText(form.schedule.startingDeadlineSeconds) ?? DEFAULT_SCHEDULE.startingDeadlineSeconds,
      concurrencyPolicy: form.schedule.concurrencyPolicy,
      enabled: form.schedule.enabled,
    }];
  } else if (base.schedules) {
    doc.schedules = [];
  } else {
    delete doc.schedules;
  }
  return doc;
}

/**
 * Where a server validation error belongs in the form. Metronome reports a missing
 * required property at its parent (`/run`: "Property mem missing"); point at the field.
 */
export function errorTargetPath(path, message) {
  const missing = /Property (\w+) missing/.exec(message ?? '');
  if (missing) return `${path === '/' ? '' : path}/${missing[1]}`;
  return path;
}

/** Paths from the schedule endpoints (`/cron`) name fields of the form's one schedule. */
export function schedulePath(path) {
  return path === '/' ? '/schedules(0)' : `/schedules(0)${path}`;
}

/** `/run/artifacts(0)/uri` → `/run/artifacts(0)` → `/run/artifacts` → `/run` → `/`. */
export function parentPath(path) {
  if (path === '/' || path === '') return null;
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('('));
  return cut <= 0 ? '/' : path.slice(0, cut);
}
