// Create or edit a job, as the seed's New Job page: General, Job type, Container runtime,
// Schedule and Run configuration, plus a JSON editor tab that round-trips with the form.
// Writes go through the Metronome API; its 422 details are shown beside the named fields.
import { api, ApiError } from '../lib/api.js';
import { focusHeading, h, notify, replace, uniqueId } from '../lib/dom.js';
import { breadcrumbs, jobHref } from '../components/bits.js';
import { buildForm } from '../components/job-form-sections.js';
import { showErrors, clearErrors } from '../components/form-errors.js';
import {
  editableDocument, fromForm, newJobDocument, schedulePath, toForm,
} from '../model/job-document.js';

export async function renderJobForm(main, { id, params, signal }) {
  const editing = id != null;
  let original = null;
  if (editing) {
    original = editableDocument(await api.job(id, signal));
  }
  let base = original ?? newJobDocument(params.get('group') ?? '');
  let form = toForm(base);

  const title = editing ? `Edit ${id}` : 'Create a job';
  const formPanel = h('div', { class: 'tab-panel', role: 'tabpanel' });
  const jsonPanel = h('div', { class: 'tab-panel', role: 'tabpanel', hidden: true });
  const jsonArea = h('textarea', { class: 'json-editor', id: uniqueId('json'), spellcheck: 'false', rows: 28, 'aria-label': 'Job definition as JSON' });
  const jsonError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const summary = h('div', { class: 'error-summary', hidden: true, tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create job');
  const cancelHref = editing ? jobHref(id) : '#/jobs';

  // Tabs: Form | JSON editor. Switching re-reads the other side, so both stay one document.
  const tabs = [
    { name: 'Form', panel: formPanel },
    { name: 'JSON editor', panel: jsonPanel },
  ].map((tab) => ({ ...tab, button: h('button', { type: 'button', role: 'tab', id: uniqueId('tab'), 'aria-controls': (tab.panel.id = uniqueId('panel')) }, tab.name) }));
  tabs.forEach((tab) => tab.panel.setAttribute('aria-labelledby', tab.button.id));
  let active = 0;

  const documentNow = () => fromForm(form, base);

  function selectTab(index, { focus = true } = {}) {
    if (index === active) return;
    if (index === 1) {
      jsonArea.value = JSON.stringify(documentNow(), null, 2);
      jsonError.hidden = true;
    } else {
      // Back to the form: the JSON becomes the document, unknown fields included.
      let parsed;
      try {
        parsed = JSON.parse(jsonArea.value);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The job must be a JSON object.');
      } catch (error) {
        jsonError.textContent = `Fix the JSON before going back to the form: ${error.message}`;
        jsonError.hidden = false;
        jsonArea.focus();
        return;
      }
      base = parsed;
      form = toForm(parsed);
      drawForm();
    }
    active = index;
    tabs.forEach((tab, i) => {
      tab.button.setAttribute('aria-selected', String(i === index));
      tab.button.tabIndex = i === index ? 0 : -1;
      tab.panel.hidden = i !== index;
    });
    if (focus) tabs[index].button.focus();
  }
  tabs.forEach((tab, i) => {
    tab.button.setAttribute('aria-selected', String(i === 0));
    tab.button.tabIndex = i === 0 ? 0 : -1;
    tab.button.addEventListener('click', () => selectTab(i));
    tab.button.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        event.preventDefault();
        selectTab((i + 1) % tabs.length);
      }
    });
  });

  function drawForm() {
    replace(formPanel, buildForm(form, { editing }));
  }
  drawForm();

  replace(jsonPanel,
    h('p', { class: 'hint' }, 'The whole job as Metronome JSON. Fields the form does not show (env, placement, volumes, secrets, networks, dependencies) are kept.'),
    jsonArea, jsonError);

  const formElement = h('form', { class: 'job-form', novalidate: true },
    summary,
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Editor' }, tabs.map((tab) => tab.button)),
    formPanel, jsonPanel,
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'button', href: cancelHref }, 'Cancel')));

  formElement.addEventListener('submit', async (event) => {
    event.preventDefault();
    let doc;
    if (active === 1) {
      try {
        doc = JSON.parse(jsonArea.value);
      } catch (error) {
        jsonError.textContent = `Not valid JSON: ${error.message}`;
        jsonError.hidden = false;
        jsonArea.focus();
        return;
      }
    } else {
      doc = documentNow();
    }
    clearErrors(formElement, summary);
    jsonError.hidden = true;
    submit.disabled = true;
    formElement.setAttribute('aria-busy', 'true');
    try {
      const savedId = editing ? await saveEdit(id, doc, original) : (await api.createJob(doc)).id;
      notify(editing ? `Saved ${savedId}.` : `Created ${savedId}.`, 'success');
      location.hash = jobHref(savedId);
    } catch (error) {
      handleSaveError(error);
    } finally {
      submit.disabled = false;
      formElement.removeAttribute('aria-busy');
    }
  });

  function handleSaveError(error) {
    if (!(error instanceof ApiError)) {
      showErrors(formElement, summary, [{ path: '/', errors: [error.message] }]);
      return;
    }
    const details = error.details.length ? error.details : [{ path: '/', errors: [error.message] }];
    // In the JSON tab the fields are hidden: show the paths in the summary only.
    showErrors(formElement, summary, details, { inline: active === 0, heading: error.details.length ? 'The server did not accept this job' : null });
  }

  replace(main,
    h('div', { class: 'page-head' },
      editing ? breadcrumbs(id, { last: 'link' }) : breadcrumbs(''),
      h('div', { class: 'title-row' }, h('h1', null, title))),
    formElement);
  focusHeading(main);
}

/** PUT the job (v1 keeps stored schedules), then bring the schedule in line. */
async function saveEdit(id, doc, original) {
  await api.updateJob(id, { ...doc, id });
  const before = original.schedules?.[0] ?? null;
  const after = doc.schedules?.[0] ?? null;
  const same = before && after && JSON.stringify(before) === JSON.stringify(after);
  try {
    if (before && (!after || after.id !== before.id)) await api.deleteSchedule(id, before.id);
    if (after && (!before || after.id !== before.id)) await api.addSchedule(id, after);
    else if (after && !same) await api.updateSchedule(id, after.id, after);
  } catch (error) {
    // The schedule endpoints name fields relative to the schedule.
    if (error instanceof ApiError && error.details.length) {
      error.body = { ...error.body, details: error.details.map((d) => ({ ...d, path: schedulePath(d.path) })) };
    }
    throw error;
  }
  // The stored original is now what was saved, for a second save from this page.
  Object.assign(original, structuredClone(doc));
  return id;
}
