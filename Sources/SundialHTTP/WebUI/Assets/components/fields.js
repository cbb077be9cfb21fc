// Labelled form controls. Each field wrapper carries the Metronome error paths it answers
// for (data-paths), so server validation errors can be shown beside the right input.
import { h, replace, uniqueId } from '../lib/dom.js';

function wrapper(paths, label, control, hint, { inline = false } = {}) {
  const hintEl = hint ? h('p', { class: 'hint', id: uniqueId('hint') }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: inline ? 'field field-inline' : 'field', dataset: { paths: paths.join(' ') } },
    inline ? [control, label] : [label, control], hintEl);
}

/** A text or number input bound to `get`/`set`. */
export function inputField({ label, paths, get, set, type = 'text', hint, required, placeholder, step, min, name, autocomplete = 'off', list }) {
  const id = uniqueId('f');
  const input = h('input', { id, type, name, value: get(), required, placeholder, step, min, autocomplete, list, spellcheck: 'false' });
  input.addEventListener('input', () => set(input.value));
  return wrapper(paths, h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null), input, hint);
}

export function textareaField({ label, paths, get, set, hint, rows = 3, placeholder, name }) {
  const id = uniqueId('f');
  const area = h('textarea', { id, rows, placeholder, name, spellcheck: 'false' });
  area.value = get();
  area.addEventListener('input', () => set(area.value));
  return wrapper(paths, h('label', { for: id }, label), area, hint);
}

export function checkboxField({ label, paths, get, set, hint, name }) {
  const id = uniqueId('f');
  const box = h('input', { id, type: 'checkbox', name, checked: get() });
  box.addEventListener('change', () => set(box.checked));
  return wrapper(paths, h('label', { for: id }, label), box, hint, { inline: true });
}

export function selectField({ label, paths, get, set, options, hint, name }) {
  const id = uniqueId('f');
  const select = h('select', { id, name },
    options.map(([value, text]) => h('option', { value, selected: get() === value }, text)));
  select.addEventListener('change', () => set(select.value));
  return wrapper(paths, h('label', { for: id }, label), select, hint);
}

/** A group of radio buttons in its own fieldset. */
export function radioGroup({ legend, name, get, set, options, paths = [] }) {
  return h('fieldset', { class: 'radio-group', dataset: { paths: paths.join(' ') } },
    h('legend', null, legend),
    options.map(([value, text, hint]) => {
      const id = uniqueId('r');
      const radio = h('input', { type: 'radio', id, name, value, checked: get() === value });
      radio.addEventListener('change', () => { if (radio.checked) set(value); });
      return h('div', { class: 'field field-inline' }, radio, h('label', { for: id }, text, hint ? h('span', { class: 'hint' }, ` — ${hint}`) : null));
    }));
}

/**
 * An editable list of rows (parameters, args, artifacts, labels) with Add and Remove
 * buttons. `renderRow(item, index, paths)` returns the row's controls.
 */
export function rowList({ title, addLabel, items, makeItem, renderRow, path, emptyText }) {
  const container = h('div', { class: 'row-list', dataset: { paths: path } });
  const rows = h('div', { class: 'rows' });
  const draw = (focusIndex) => {
    replace(rows, items.length === 0 && emptyText ? h('p', { class: 'muted small' }, emptyText) : null,
      items.map((item, index) => h('div', { class: 'row', dataset: { paths: `${path}(${index})` } },
        renderRow(item, index),
        h('button', {
          type: 'button', class: 'icon-button', 'aria-label': `Remove ${title.toLowerCase()} ${index + 1}`,
          onclick: () => { items.splice(index, 1); draw(Math.min(index, items.length - 1)); },
        }, '✕'))));
    if (focusIndex != null && focusIndex >= 0) rows.children[focusIndex]?.querySelector('input, select, textarea')?.focus();
  };
  draw();
  container.append(
    h('div', { class: 'row-list-head' }, h('span', { class: 'row-list-title' }, title)),
    rows,
    h('button', { type: 'button', class: 'link-button', onclick: () => { items.push(makeItem()); draw(items.length - 1); } }, `+ ${addLabel}`));
  return container;
}

/** A bare input for use inside a row, labelled for screen readers. */
export function rowInput({ label, get, set, placeholder, paths, type = 'text' }) {
  const input = h('input', { type, value: get(), placeholder, 'aria-label': label, spellcheck: 'false', autocomplete: 'off' });
  input.addEventListener('input', () => set(input.value));
  return h('div', { class: 'field row-field', dataset: { paths: paths ?? '' } }, input);
}

export function rowCheckbox({ label, get, set }) {
  const id = uniqueId('c');
  const box = h('input', { type: 'checkbox', id, checked: get() });
  box.addEventListener('change', () => set(box.checked));
  return h('div', { class: 'field field-inline row-field' }, box, h('label', { for: id }, label));
}
