// Shows Metronome validation errors (`details: [{path, errors}]`) beside the fields whose
// `data-paths` name them, and lists them all in a summary at the top of the form with links
// to the fields. An error whose path no field claims is shown at its nearest ancestor.
import { h, replace, uniqueId } from '../lib/dom.js';
import { errorTargetPath, parentPath } from '../model/job-document.js';

export function clearErrors(form, summary) {
  for (const el of form.querySelectorAll('.field-error.inline')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const describedBy = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.startsWith('err-')).join(' ');
    if (describedBy) el.setAttribute('aria-describedby', describedBy);
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
  summary.hidden = true;
  replace(summary);
}

/** The visible element that answers for `path`, trying parents when no field claims it. */
function fieldFor(form, path) {
  const claimed = new Map();
  for (const el of form.querySelectorAll('[data-paths]')) {
    if (el.closest('[hidden]')) continue;
    for (const p of el.dataset.paths.split(' ')) if (p && !claimed.has(p)) claimed.set(p, el);
  }
  for (let p = path; p != null; p = parentPath(p)) {
    if (claimed.has(p)) return claimed.get(p);
  }
  return null;
}

export function showErrors(form, summary, details, { inline = true, heading = null } = {}) {
  const entries = [];
  for (const detail of details) {
    for (const message of detail.errors ?? []) {
      const path = errorTargetPath(detail.path ?? '/', message);
      entries.push({ path, message, field: inline && path !== '/' ? fieldFor(form, path) : null });
    }
  }
  for (const entry of entries) {
    if (!entry.field) continue;
    const id = uniqueId('err');
    const error = h('p', { class: 'field-error inline', id }, entry.message);
    entry.field.classList.add('has-error');
    // Errors go right after the control they describe (before a hint), or after a row.
    const control = entry.field.querySelector(':scope > input, :scope > select, :scope > textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') ?? ''} ${id}`.trim());
      control.after(error);
    } else {
      entry.field.append(error);
    }
    entry.errorId = id;
  }
  replace(summary,
    h('h2', null, heading ?? (entries.length === 1 ? 'There is a problem' : `There are ${entries.length} problems`)),
    h('ul', null, entries.map((entry) => h('li', null,
      entry.field
        ? h('a', {
          href: `#${entry.errorId}`,
          onclick: (event) => {
            event.preventDefault();
            const control = entry.field.querySelector('input, select, textarea');
            (control ?? entry.field).focus();
            entry.field.scrollIntoView({ block: 'center' });
          },
        }, entry.message)
        : h('span', null, entry.path === '/' ? entry.message : `${entry.path}: ${entry.message}`)))));
  summary.hidden = false;
  summary.setAttribute('role', 'alert');
  summary.focus({ preventScroll: false });
}
