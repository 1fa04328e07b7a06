// The editors' workspace: a client of the public GraphQL API at /graphql, and of nothing else.
// Plain modules and the DOM, no framework and no build step: the file the server embeds is the
// file that runs. Forms are built from the API's own input types (introspection), so a field
// added to the API appears here with its description as help text.
//
// The token lives in this module's memory only (see routes/edit.rs for why). Text an editor
// types is kept per tab (sessionStorage, without the token) until it is saved, so that a reload,
// an expired session or a conflict never loses it.

const API = '/graphql';
const TYPES = ['Program', 'Requirement', 'Fee', 'Source', 'Citation', 'Person', 'Commentary', 'PolicyEvent'];
const TYPE_ENUM = {
  Program: 'PROGRAM', Requirement: 'REQUIREMENT', Fee: 'FEE', Source: 'SOURCE', Citation: 'CITATION',
  Person: 'PERSON', Commentary: 'COMMENTARY', PolicyEvent: 'POLICY_EVENT',
};
const TYPE_LABEL = {
  Program: 'Program', Requirement: 'Requirement', Fee: 'Fee', Source: 'Source', Citation: 'Citation',
  Person: 'Person', Commentary: 'Commentary', PolicyEvent: 'Policy event',
};
// What hangs from a record of each type, shown on its page with a way to add one.
const CHILDREN = {
  Program: ['Requirement', 'Fee', 'PolicyEvent', 'Commentary', 'Citation'],
  Requirement: ['Citation'], Fee: ['Citation'], Commentary: ['Citation'], PolicyEvent: ['Citation'],
  Source: ['Citation'], Person: ['Commentary'],
};
// The input field that names the parent when a child is created from its parent's page.
const PARENT_FIELD = { Program: 'programId', Source: 'sourceId', Person: 'personId' };
const CITABLE = ['Program', 'Requirement', 'Fee', 'Commentary', 'PolicyEvent'];
// Fields that hold prose get a text area.
const LONG = new Set(['description', 'summary', 'body', 'note', 'excerpt', 'publishedNote',
  'appliesWhen', 'scheduledEndCondition', 'amountText', 'legalBasis', 'attribution']);
// Reference fields: which types their picker searches.
const REFERENCES = {
  programId: ['Program'], sourceId: ['Source'], personId: ['Person'], programIds: ['Program'],
  supports: CITABLE,
};
const PAGE = 20;

// ---------------------------------------------------------------------------------------------
// The DOM, built without parsing HTML: text from the API can never become markup.

// Appends children as `h` takes them: nested arrays flattened, null and false left out.
function fill(el, ...kids) {
  el.replaceChildren();
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'value') value = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  fill(el, ...kids);
  if (value !== undefined) el.value = value;
  return el;
}

const main = () => document.getElementById('main');
const show = (...nodes) => {
  const m = main();
  fill(m, ...nodes);
  m.focus();
};

function say(text) {
  const box = document.getElementById('status');
  fill(box, h('p', null, text));
  clearTimeout(say.timer);
  say.timer = setTimeout(() => fill(box), 6000);
}

function badge(state) {
  const s = String(state || '').toLowerCase();
  return h('span', { class: `badge ${s}` }, s);
}

const when = (stamp) => (stamp ? new Date(stamp).toLocaleString() : '');

// ---------------------------------------------------------------------------------------------
// The API.

const session = { token: null, user: null, expiresAt: null };

class ApiFailure extends Error {
  constructor(message, errors = []) {
    super(message);
    this.errors = errors;
  }
}

const codeOf = (e) => e?.extensions?.code;

async function post(query, variables) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let response;
  try {
    response = await fetch(API, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiFailure('The server cannot be reached. Nothing you typed is lost: try again.');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiFailure(`The server answered ${response.status} without an explanation. Try again.`);
  }
  return { status: response.status, body };
}

// Runs an operation. A token that expired or was revoked asks the editor to sign in again,
// where they are, and then runs the operation again: the page and what it holds stay.
async function gql(query, variables = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const { status, body } = await post(query, variables);
    const errors = body.errors || [];
    const signedOut = status === 401 || errors.some((e) => codeOf(e) === 'UNAUTHENTICATED');
    if (signedOut && attempt === 0 && session.token) {
      session.token = null;
      await signInAgain('Your session has ended (it expired, or your account was changed). Sign in again: nothing you typed is lost.');
      continue;
    }
    if (signedOut && !session.token) {
      await signInAgain('Sign in to go on.');
      continue;
    }
    return { data: body.data || {}, errors };
  }
}

// Runs an operation whose errors are all the caller's to show.
async function must(query, variables) {
  const { data, errors } = await gql(query, variables);
  if (errors.length) throw new ApiFailure(errors.map((e) => e.message).join(' '), errors);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Signing in and out.

const LOGIN = `mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt user { id email displayName role } } }`;

async function login(email, password) {
  const { status, body } = await post(LOGIN, { email, password });
  const errors = body.errors || [];
  if (errors.length || !body.data?.login) {
    const tooMany = errors.some((e) => codeOf(e) === 'TOO_MANY_REQUESTS') || status === 429;
    throw new ApiFailure(tooMany
      ? 'Too many failed sign-ins: wait a few minutes and try again.'
      : (errors[0]?.message || 'The email or the password is wrong.'));
  }
  const { token, expiresAt, user } = body.data.login;
  Object.assign(session, { token, expiresAt, user });
  warnBeforeExpiry();
  renderBar();
}

function warnBeforeExpiry() {
  clearTimeout(warnBeforeExpiry.timer);
  const left = new Date(session.expiresAt).getTime() - Date.now() - 120000;
  if (left > 0) {
    warnBeforeExpiry.timer = setTimeout(() => say(
      `Your session ends at ${new Date(session.expiresAt).toLocaleTimeString()}. Unsaved text is kept; you will be asked to sign in again.`,
    ), left);
  }
}

function signInForm(onDone, intro) {
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' });
  const email = h('input', { type: 'email', id: 'signin-email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'signin-password', name: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      error.textContent = '';
      try {
        await login(email.value.trim(), password.value);
        password.value = '';
        onDone();
      } catch (e) {
        error.textContent = e.message;
        password.focus();
      } finally {
        button.disabled = false;
      }
    },
  },
  intro ? h('p', null, intro) : null,
  h('div', { class: 'field' }, h('label', { for: 'signin-email' }, 'Email'), email),
  h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), password),
  error,
  h('div', { class: 'actions' }, button));
  return { form, focus: () => email.focus() };
}

let pendingSignIn = null;
function signInAgain(why) {
  if (pendingSignIn) return pendingSignIn;
  pendingSignIn = new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'again-title' });
    const { form, focus } = signInForm(() => {
      dialog.close();
      dialog.remove();
      pendingSignIn = null;
      resolve();
    }, why);
    // Escape does not dismiss it: the work behind it waits for a signed-in editor. Signing
    // out instead leaves unsaved text in this tab for the next sign-in.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    const leave = h('button', { type: 'button', class: 'secondary', onclick: () => {
      dialog.close();
      dialog.remove();
      pendingSignIn = null;
      signOut();
    } }, 'Sign out instead');
    dialog.append(h('h2', { id: 'again-title' }, 'Sign in again'), form, h('div', { class: 'actions' }, leave));
    document.body.append(dialog);
    dialog.showModal();
    focus();
  });
  return pendingSignIn;
}

function signOut() {
  Object.assign(session, { token: null, user: null, expiresAt: null });
  clearTimeout(warnBeforeExpiry.timer);
  renderBar();
  location.hash = '#/';
  route();
}

function renderBar() {
  const bar = document.getElementById('bar');
  const here = location.hash.split('?')[0] || '#/';
  const link = (href, text) => h('a', { href, 'aria-current': here === href ? 'page' : null }, text);
  const nav = session.user ? h('nav', { 'aria-label': 'Workspace' },
    link('#/', 'Work list'),
    link('#/reverify', 'To re-verify'),
    link('#/new', 'New record'),
    session.user.role === 'ADMIN' ? [link('#/admin/users', 'Accounts'), link('#/admin/audit', 'Audit log')] : null,
    link('#/account', 'My account')) : null;
  const who = session.user ? h('span', { class: 'who' },
    `${session.user.displayName} (${session.user.role.toLowerCase()}) `,
    h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out')) : null;
  fill(bar, h('strong', null, 'visa-kb'), ' editors\' workspace', nav, who);
}

// ---------------------------------------------------------------------------------------------
// Unsaved text, kept per tab until it is saved.

const unsavedKey = (key) => `visa-kb:unsaved:${key}`;
const keepUnsaved = (key, entry) => {
  try { sessionStorage.setItem(unsavedKey(key), JSON.stringify({ ...entry, at: new Date().toISOString() })); } catch { /* full or off: the form still holds it */ }
};
const readUnsaved = (key) => {
  try { return JSON.parse(sessionStorage.getItem(unsavedKey(key)) || 'null'); } catch { return null; }
};
const dropUnsaved = (key) => { try { sessionStorage.removeItem(unsavedKey(key)); } catch { /* nothing kept */ } };

// ---------------------------------------------------------------------------------------------
// Input types, read once from the API.

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
const typeCache = new Map();

async function inputType(name) {
  if (typeCache.has(name)) return typeCache.get(name);
  const data = await must(`query($name: String!) { __type(name: $name) {
    name description inputFields { name description type { ${TYPE_REF} } } } }`, { name });
  const onCreate = requiredOnCreate(data.__type.description || '');
  const fields = [];
  for (const f of data.__type.inputFields) {
    const t = unwrap(f.type);
    const field = { name: f.name, description: f.description || '', kind: t.kind, type: t.name, list: t.list, required: t.required, onCreate: onCreate.has(f.name) };
    if (t.kind === 'ENUM') field.values = await enumValues(t.name);
    if (t.kind === 'INPUT_OBJECT') field.fields = (await inputType(t.name)).fields;
    fields.push(field);
  }
  const result = { name, fields };
  typeCache.set(name, result);
  return result;
}

// The fields an input type's description names after "Required on create:" (one input type
// serves create and update, so GraphQL cannot mark them). Alternatives ("a `personId` or
// `groupName`") are not marked: either will do.
function requiredOnCreate(description) {
  const sentence = description.split('Required on create:')[1]?.split('.')[0] || '';
  const names = new Set();
  for (const part of sentence.split(',')) {
    if (/\bor\b/.test(part)) continue;
    for (const m of part.matchAll(/`([A-Za-z]+)`/g)) names.add(m[1]);
  }
  return names;
}

async function enumValues(name) {
  const key = `enum:${name}`;
  if (!typeCache.has(key)) {
    const data = await must('query($name: String!) { __type(name: $name) { enumValues { name description } } }', { name });
    typeCache.set(key, data.__type.enumValues);
  }
  return typeCache.get(key);
}

function unwrap(type) {
  let t = type;
  let list = false;
  const required = t.kind === 'NON_NULL';
  while (t.kind === 'NON_NULL' || t.kind === 'LIST') {
    if (t.kind === 'LIST') list = true;
    t = t.ofType;
  }
  return { kind: t.kind, name: t.name, list, required };
}

// ---------------------------------------------------------------------------------------------
// Forms built from an input type. A control's value is text; `valueOf` turns it into what
// the API takes, and stored values (`in_force`) are shown as the API's enum names.

const humanise = (name) => name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace(/ Id(s?)$/, '$1');

function shownValue(field, value) {
  if (value == null) return '';
  if (field.kind === 'ENUM') return String(value).toUpperCase();
  if (field.kind === 'INPUT_OBJECT') {
    return Object.fromEntries(field.fields.map((f) => [f.name, shownValue(f, value[f.name])]));
  }
  if (field.list) return field.name in REFERENCES ? value : value.join(', ');
  return String(value);
}

function valueOf(field, text) {
  if (field.kind === 'INPUT_OBJECT') {
    const parts = Object.fromEntries(field.fields.map((f) => [f.name, valueOf(f, text[f.name] ?? '')]));
    const unit = field.fields.find((f) => f.required);
    return unit && parts[unit.name] == null ? null : parts;
  }
  if (field.list) {
    if (Array.isArray(text)) return text;
    const items = String(text).split(',').map((s) => s.trim()).filter(Boolean);
    return items;
  }
  const value = String(text).trim();
  if (value === '') return null;
  if (field.type === 'Int') return /^-?\d+$/.test(value) ? Number(value) : { invalid: 'a whole number' };
  if (field.type === 'Boolean') return value === 'true';
  return value;
}

// A search for records of `types` by title, for reference fields.
function picker(field, initial, onChange) {
  const types = REFERENCES[field.name];
  const many = field.list;
  let chosen = many ? [...(initial || [])] : (initial ? [initial] : []);
  const titles = new Map();
  const chosenList = h('ul', { class: 'chosen-list' });
  const results = h('ul', { 'aria-live': 'polite' });
  const query = h('input', { type: 'search', id: `f-${field.name}`, 'aria-describedby': `e-${field.name} h-${field.name}`, placeholder: `Find a ${types.map((t) => TYPE_LABEL[t].toLowerCase()).join(' or ')} by name or title` });
  const emit = () => onChange(many ? chosen : (chosen[0] || ''));
  const paint = () => {
    fill(chosenList, ...chosen.map((id) => h('li', null,
      h('span', { class: 'chosen' }, titles.get(id) || id),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${titles.get(id) || id}`, onclick: () => { chosen = chosen.filter((c) => c !== id); paint(); emit(); } }, 'Remove'))));
  };
  const search = async () => {
    const text = query.value.trim();
    if (text.length < 2) { fill(results); return; }
    const found = [];
    for (const type of types) {
      const { data } = await gql(`query($t: RecordType!, $f: WorkListFilter) { workList(recordType: $t, filter: $f, limit: 8) { records { id title state recordType } } }`,
        { t: TYPE_ENUM[type], f: { text } });
      found.push(...(data.workList?.records || []));
    }
    fill(results, ...(found.length ? found.map((r) => h('li', null,
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        titles.set(r.id, `${r.title} (${TYPE_LABEL[r.recordType] || r.recordType})`);
        chosen = many ? [...new Set([...chosen, r.id])] : [r.id];
        fill(results);
        query.value = '';
        paint();
        emit();
      } }, 'Choose'), ` ${r.title} `, badge(r.state))) : [h('li', { class: 'muted' }, 'Nothing found.')]));
  };
  let timer;
  query.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  query.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); search(); } });
  // Name what is already chosen.
  (async () => {
    for (const id of chosen) {
      const { data } = await gql('query($id: ID!) { editorialRecord(id: $id) { title recordType } }', { id });
      if (data.editorialRecord) titles.set(id, `${data.editorialRecord.title} (${TYPE_LABEL[data.editorialRecord.recordType]})`);
    }
    paint();
  })();
  return { control: h('div', { class: 'picker' }, chosenList, query, results), focus: () => query.focus() };
}

// One form for an input type. Returns the element and functions to read it and show errors.
function buildForm(type, values, onInput, creating = false) {
  const controls = new Map();
  const current = {};
  const errorOf = new Map();
  const rows = [];
  for (const field of type.fields) {
    const id = `f-${field.name}`;
    const help = h('span', { class: 'help', id: `h-${field.name}` }, field.description);
    const error = h('p', { class: 'error', id: `e-${field.name}` });
    errorOf.set(field.name, error);
    const described = `e-${field.name} h-${field.name}`;
    current[field.name] = shownValue(field, values[field.name]);
    const set = (v) => { current[field.name] = v; onInput(); };
    let control;
    let focus;
    if (field.name in REFERENCES) {
      const p = picker(field, current[field.name] || (field.list ? [] : ''), set);
      control = p.control;
      focus = p.focus;
    } else if (field.kind === 'INPUT_OBJECT') {
      const parts = field.fields.map((sub) => {
        const subId = `${id}-${sub.name}`;
        const input = sub.kind === 'ENUM'
          ? h('select', { id: subId }, h('option', { value: '' }, '(not set)'), sub.values.map((v) => h('option', { value: v.name }, v.name.toLowerCase().replace(/_/g, ' '))))
          : h('input', { id: subId, type: 'number', step: 1 });
        input.value = current[field.name]?.[sub.name] ?? '';
        input.addEventListener('input', () => set({ ...current[field.name], [sub.name]: input.value }));
        input.addEventListener('change', () => set({ ...current[field.name], [sub.name]: input.value }));
        return h('span', null, h('label', { for: subId, class: 'help' }, humanise(sub.name)), input);
      });
      control = h('div', { role: 'group', 'aria-labelledby': `l-${field.name}`, 'aria-describedby': described, class: 'actions' }, parts);
      focus = () => control.querySelector('input, select')?.focus();
    } else {
      if (field.kind === 'ENUM') {
        control = h('select', { id }, h('option', { value: '' }, '(not set)'),
          field.values.map((v) => h('option', { value: v.name }, v.name.toLowerCase().replace(/_/g, ' '))));
      } else if (field.type === 'Boolean') {
        control = h('select', { id }, h('option', { value: '' }, '(not known)'), h('option', { value: 'true' }, 'yes'), h('option', { value: 'false' }, 'no'));
      } else if (LONG.has(field.name)) {
        control = h('textarea', { id, rows: field.name === 'body' || field.name === 'description' ? 6 : 3 });
      } else {
        const kind = field.type === 'Date' ? 'date' : field.type === 'Int' ? 'number' : 'text';
        control = h('input', { id, type: kind, inputmode: field.type === 'Decimal' ? 'decimal' : null, step: kind === 'number' ? 1 : null, autocomplete: 'off' });
      }
      control.value = current[field.name];
      control.setAttribute('aria-describedby', described);
      if (field.required || (creating && field.onCreate)) control.setAttribute('aria-required', 'true');
      const update = () => set(control.value);
      control.addEventListener('input', update);
      control.addEventListener('change', update);
      focus = () => control.focus();
    }
    controls.set(field.name, { control, focus });
    rows.push(h('div', { class: 'field' },
      h('label', { for: field.kind === 'INPUT_OBJECT' ? null : id, id: `l-${field.name}` }, humanise(field.name), field.required || (creating && field.onCreate) ? ' (required)' : ''),
      help, control, error));
  }
  return {
    element: h('div', null, rows),
    current,
    // The input for the API: every field (`all`) or those that differ from `initial`.
    input(initial, all) {
      const out = {};
      const problems = [];
      for (const field of type.fields) {
        const now = valueOf(field, current[field.name]);
        if (now && now.invalid) { problems.push([field.name, now.invalid]); continue; }
        const before = valueOf(field, shownValue(field, initial[field.name]));
        if (all ? now != null && !(Array.isArray(now) && now.length === 0 && !field.name.endsWith('Ids'))
          : JSON.stringify(now) !== JSON.stringify(before)) {
          out[field.name] = now;
        }
      }
      return { input: out, problems };
    },
    clearErrors() {
      for (const [name, el] of errorOf) {
        el.textContent = '';
        const c = controls.get(name).control;
        c.removeAttribute('aria-invalid');
        c.querySelectorAll?.('input, select').forEach((x) => x.removeAttribute('aria-invalid'));
      }
    },
    // Shows each error at the field it names; returns the errors no field claims.
    showErrors(errors) {
      const left = [];
      let first = null;
      for (const [name, message] of errors) {
        const top = String(name || '').replace(/^input\./, '').split('.')[0];
        const el = errorOf.get(top);
        if (!el) { left.push(message); continue; }
        el.textContent = message;
        const c = controls.get(top);
        const target = c.control.matches('input, select, textarea') ? c.control : c.control.querySelector('input, select');
        target?.setAttribute('aria-invalid', 'true');
        if (!first) first = c;
      }
      first?.focus();
      return left;
    },
  };
}

const fieldErrors = (errors) => errors.map((e) => [e.extensions?.field, e.message]);

// ---------------------------------------------------------------------------------------------
// Views.

const RECORD = `id recordType title state version input createdAt updatedAt
  pendingChanges { field before after }`;

const params = () => new URLSearchParams(location.hash.split('?')[1] || '');

async function workList() {
  const p = params();
  const type = TYPES.includes(p.get('type')) ? p.get('type') : 'Program';
  const offset = Math.max(0, Number(p.get('offset')) || 0);
  const filter = {};
  if (p.get('state')) filter.state = p.get('state');
  if (p.get('pending')) filter.pending = p.get('pending') === 'yes';
  if (p.get('country')) filter.country = p.get('country');
  if (p.get('text')) filter.text = p.get('text');
  if (p.get('mine')) filter.author = session.user.id;
  else if (p.get('author')) filter.author = p.get('author');
  // Admins may list the accounts, and so filter by any author.
  const admin = session.user.role === 'ADMIN';
  const accounts = admin ? ((await gql('{ users { id displayName } }')).data.users || []) : [];
  const form = h('form', { class: 'filters', 'aria-label': 'Filter the work list', onsubmit: (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const el of event.target.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox' ? el.checked : el.value) q.set(el.name, el.type === 'checkbox' ? '1' : el.value);
    }
    location.hash = `#/?${q}`;
  } },
  h('label', null, 'Type', h('select', { name: 'type', value: type }, TYPES.map((t) => h('option', { value: t }, TYPE_LABEL[t])))),
  h('label', null, 'State', h('select', { name: 'state', value: p.get('state') || '' }, h('option', { value: '' }, 'any'), ['DRAFT', 'PUBLISHED', 'ARCHIVED'].map((s) => h('option', { value: s }, s.toLowerCase())))),
  h('label', null, 'Pending edit', h('select', { name: 'pending', value: p.get('pending') || '' }, h('option', { value: '' }, 'either'), h('option', { value: 'yes' }, 'waiting to publish'), h('option', { value: 'no' }, 'none'))),
  h('label', null, 'Country', h('input', { name: 'country', size: 4, maxlength: 2, value: p.get('country') || '', placeholder: 'CN' })),
  h('label', null, 'Text', h('input', { name: 'text', type: 'search', value: p.get('text') || '' })),
  admin
    ? h('label', null, 'Edited by', h('select', { name: 'author', value: p.get('author') || '' }, h('option', { value: '' }, 'anyone'), accounts.map((u) => h('option', { value: u.id }, u.displayName))))
    : h('label', null, h('span', null, 'Edited by me'), h('input', { name: 'mine', type: 'checkbox', checked: p.get('mine') ? true : null })),
  h('button', { type: 'submit' }, 'Show'));
  const { data, errors } = await gql(`query($t: RecordType!, $f: WorkListFilter, $o: Int!) {
    workList(recordType: $t, filter: $f, limit: ${PAGE}, offset: $o) { totalCount records { id title state version updatedAt pendingChanges { field } ${type === 'Program' ? 'input' : ''} } } }`,
  { t: TYPE_ENUM[type], f: filter, o: offset });
  const out = [h('h1', null, 'Work list'), form];
  if (errors.length) {
    out.push(h('p', { class: 'error', role: 'alert' }, errors.map((e) => `${e.extensions?.field ? `${e.extensions.field.replace(/^filter\./, '')}: ` : ''}${e.message}`).join(' ')));
    return show(out);
  }
  const { totalCount, records } = data.workList;
  out.push(h('p', { class: 'actions' }, h('a', { href: `#/new/${type}` }, `New ${TYPE_LABEL[type].toLowerCase()}`)));
  if (!records.length) {
    out.push(h('p', null, 'Nothing matches these filters.'));
    return show(out);
  }
  out.push(h('table', null,
    h('caption', { class: 'muted' }, `${TYPE_LABEL[type]}s ${offset + 1}–${offset + records.length} of ${totalCount}`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Title'), type === 'Program' ? h('th', { scope: 'col' }, 'Country') : null, h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'opt' }, 'Changed'))),
    h('tbody', null, records.map((r) => h('tr', null,
      h('td', null, h('a', { href: `#/record/${encodeURIComponent(r.id)}` }, r.title)),
      type === 'Program' ? h('td', null, r.input?.country || '') : null,
      h('td', null, badge(r.state), r.pendingChanges.length ? [' ', h('span', { class: 'badge pending' }, 'pending edit')] : null),
      h('td', { class: 'opt' }, when(r.updatedAt)))))));
  const move = (to) => { const q = params(); q.set('offset', String(to)); location.hash = `#/?${q}`; };
  out.push(h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'secondary', disabled: offset === 0 ? true : null, onclick: () => move(Math.max(0, offset - PAGE)) }, 'Previous page'),
    h('button', { type: 'button', class: 'secondary', disabled: offset + records.length >= totalCount ? true : null, onclick: () => move(offset + PAGE) }, 'Next page')));
  return show(out);
}

async function reverify() {
  const offset = Math.max(0, Number(params().get('offset')) || 0);
  const data = await must(`query($o: Int!) { valuesToReverify(limit: ${PAGE}, offset: $o) { totalCount staleAfterDays
    items { reason program { id slug name } value { label value state lastVerifiedOn { text } } } } }`, { o: offset });
  const list = data.valuesToReverify;
  const programLink = async (item) => h('a', { href: `/programs/${encodeURIComponent(item.program.slug)}` }, item.program.name);
  const rows = await Promise.all(list.items.map(async (item) => h('tr', null,
    h('td', null, await programLink(item)),
    h('td', null, item.value.label, ': ', item.value.value ?? '(unknown)'),
    h('td', null, item.reason.toLowerCase().replace(/_/g, ' ')),
    h('td', { class: 'opt' }, item.value.lastVerifiedOn?.text || 'never'))));
  show(h('h1', null, 'Values to re-verify'),
    h('p', null, `Published values past a scheduled end, never verified, or last verified more than ${list.staleAfterDays} days ago: ${list.totalCount} in all. Cite a newer source on the record to verify one.`),
    h('table', null, h('thead', null, h('tr', null, ['Program', 'Value', 'Why', 'Last verified'].map((t, i) => h('th', { scope: 'col', class: i === 3 ? 'opt' : null }, t)))), h('tbody', null, rows)),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('a', { href: `#/reverify?offset=${Math.max(0, offset - PAGE)}`, hidden: offset === 0 ? true : null }, 'Previous page'),
      h('a', { href: `#/reverify?offset=${offset + PAGE}`, hidden: offset + list.items.length >= list.totalCount ? true : null }, 'Next page')));
}

function chooseNew() {
  show(h('h1', null, 'New record'), h('ul', null, TYPES.map((t) => h('li', null, h('a', { href: `#/new/${t}` }, TYPE_LABEL[t])))));
}

// The create form. Values given in the address (`programId`, `supports`…) are filled in.
async function createView(type) {
  const shape = await inputType(`${type}Input`);
  const p = params();
  const given = {};
  for (const f of shape.fields) if (p.get(f.name)) given[f.name] = f.list ? [p.get(f.name)] : p.get(f.name);
  const key = `new:${type}:${p.toString()}`;
  const kept = readUnsaved(key);
  const form = buildForm(shape, kept ? kept.values : given, () => keepUnsaved(key, { values: raw(form, shape) }), true);
  const summary = h('div', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, `Create ${TYPE_LABEL[type].toLowerCase()}`);
  const element = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    form.clearErrors();
    summary.textContent = '';
    const { input, problems } = form.input({}, true);
    if (problems.length) { form.showErrors(problems); return; }
    button.disabled = true;
    try {
      const { data, errors } = await gql(`mutation($input: ${type}Input!) { create${type}(input: $input) { id } }`, { input });
      if (errors.length) {
        fill(summary, ...form.showErrors(fieldErrors(errors)).map((m) => h('p', null, m)));
        return;
      }
      dropUnsaved(key);
      say(`${TYPE_LABEL[type]} created as a draft.`);
      location.hash = `#/record/${encodeURIComponent(data[`create${type}`].id)}`;
    } catch (e) {
      summary.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  } }, form.element, summary, h('div', { class: 'actions' }, button));
  show(h('h1', null, `New ${TYPE_LABEL[type].toLowerCase()}`),
    kept ? h('p', { class: 'panel notice' }, `Your unsaved text from ${when(kept.at)} is back.`) : null,
    h('p', { class: 'muted' }, 'It is saved as a draft: readers see it only once it is published.'), element);
}

// What a form holds as text, for keeping it unsaved: the shown values, in the API's field names.
function raw(form, shape) {
  const out = {};
  for (const f of shape.fields) out[f.name] = form.current[f.name];
  return fromShown(shape, out);
}

// Shown values back to values `buildForm` takes (enum names are taken as they are).
function fromShown(shape, shown) {
  const out = {};
  for (const f of shape.fields) {
    const v = shown[f.name];
    out[f.name] = f.list && !(f.name in REFERENCES) && typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
  }
  return out;
}

async function loadRecord(id) {
  const { data, errors } = await gql(`query($id: ID!) { editorialRecord(id: $id) { ${RECORD} } }`, { id });
  if (!data.editorialRecord) throw new ApiFailure(errors[0]?.message || 'There is no such record.', errors);
  return data.editorialRecord;
}

function diffTable(changes, headings = ['Field', 'Published', 'Pending']) {
  const text = (v) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('table', null,
    h('thead', null, h('tr', null, headings.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, changes.map((c) => h('tr', null, h('td', null, humanise(c.field)),
      h('td', null, c.before == null ? h('span', { class: 'muted' }, '(empty)') : h('del', null, text(c.before))),
      h('td', null, c.after == null ? h('span', { class: 'muted' }, '(empty)') : h('ins', null, text(c.after)))))));
}

async function recordView(id) {
  let record;
  try {
    record = await loadRecord(id);
  } catch (e) {
    return show(h('h1', null, 'Record'), h('p', { class: 'error', role: 'alert' }, e.message), h('p', null, h('a', { href: '#/' }, 'Back to the work list')));
  }
  const type = record.recordType;
  const shape = await inputType(`${type}Input`);
  const key = `record:${id}`;
  const kept = readUnsaved(key);
  // The version the editor's text is based on: a save sends it, and the server refuses a save
  // over a newer one (CONFLICT) instead of losing either edit.
  let base = kept && kept.version <= record.version ? kept : { version: record.version, input: record.input };
  const typed = kept ? kept.values : record.input;
  const form = buildForm(shape, typed, () => keepUnsaved(key, { version: base.version, input: base.input, values: raw(form, shape) }));
  const summary = h('div', { class: 'error', role: 'alert' });
  const conflictBox = h('div');
  const save = h('button', { type: 'submit' }, 'Save');
  const element = h('form', { novalidate: true, 'aria-label': `Edit ${record.title}`, onsubmit: async (event) => {
    event.preventDefault();
    form.clearErrors();
    summary.textContent = '';
    const { input, problems } = form.input(base.input, false);
    if (problems.length) { form.showErrors(problems); return; }
    if (!Object.keys(input).length) { say('Nothing changed.'); return; }
    save.disabled = true;
    try {
      const { data, errors } = await gql(`mutation($id: ID!, $v: Int!, $input: ${type}Input!) {
        update${type}(id: $id, expectedVersion: $v, input: $input) { id version } }`, { id, v: base.version, input });
      const stale = errors.find((e) => codeOf(e) === 'CONFLICT' && e.extensions?.field === 'expectedVersion');
      if (stale) return showConflict();
      if (errors.length) {
        fill(summary, ...form.showErrors(fieldErrors(errors)).map((m) => h('p', null, m)));
        return;
      }
      dropUnsaved(key);
      say(record.state === 'PUBLISHED' ? 'Saved as a pending edit: readers see it once you publish it.' : 'Saved.');
      await recordView(id);
      void data;
    } catch (e) {
      summary.textContent = e.message;
    } finally {
      save.disabled = false;
    }
  } }, form.element, summary, h('div', { class: 'actions' }, save));

  // Someone saved since this text was based: show what they changed, keep the editor's text.
  async function showConflict() {
    const fresh = await loadRecord(id);
    const theirs = [];
    for (const f of shape.fields) {
      const before = JSON.stringify(valueOf(f, shownValue(f, base.input[f.name])));
      const after = JSON.stringify(valueOf(f, shownValue(f, fresh.input[f.name])));
      if (before !== after) theirs.push({ field: f.name, before: base.input[f.name], after: fresh.input[f.name] });
    }
    const reapply = h('button', { type: 'button', onclick: () => {
      base = { version: fresh.version, input: fresh.input };
      keepUnsaved(key, { version: base.version, input: base.input, values: raw(form, shape) });
      fill(conflictBox);
      say('Your text is now based on the latest version. Check it, then save.');
      save.focus();
    } }, 'Keep my text and save over theirs');
    const reload = h('button', { type: 'button', class: 'danger', onclick: () => { dropUnsaved(key); recordView(id); } }, 'Discard my text and load theirs');
    fill(conflictBox, h('section', { class: 'panel conflict', role: 'alert', 'aria-labelledby': 'conflict-title' },
      h('h2', { id: 'conflict-title' }, 'Someone else saved this record meanwhile'),
      h('p', null, `It is at version ${fresh.version} now; your text was based on version ${base.version}. Your text is still in the form below and nothing was saved.`),
      theirs.length ? [h('h3', null, 'What they changed'), diffTable(theirs, ['Field', 'When you began', 'Now'])] : h('p', null, 'They changed its state, not its fields.'),
      h('div', { class: 'actions' }, reapply, reload)));
    reapply.focus();
  }

  const act = (label, mutation, confirmText, className) => h('button', { type: 'button', class: className || 'secondary', onclick: async () => {
    if (confirmText && !window.confirm(confirmText)) return;
    const { errors } = await gql(`mutation($id: ID!, $v: Int!) { ${mutation}(id: $id, expectedVersion: $v) { id } }`, { id, v: record.version });
    if (errors.some((e) => codeOf(e) === 'CONFLICT' && e.extensions?.field === 'expectedVersion')) return showConflict();
    if (errors.length) { summary.textContent = errors.map((e) => e.message).join(' '); return; }
    say(`${label}: done.`);
    recordView(id);
  } }, label);
  const pending = record.pendingChanges.length > 0;
  const actions = h('div', { class: 'actions' },
    record.state === 'DRAFT' || pending ? act(pending ? 'Publish the pending edit' : 'Publish', 'publish', null, 'primary') : null,
    pending ? act('Discard the pending edit', 'discardDraft', 'Drop the pending edit? Readers never saw it; they keep seeing the published record.', 'danger') : null,
    record.state === 'PUBLISHED' ? act('Unpublish', 'unpublish', 'Readers will no longer see this record. Unpublish it?') : null,
    record.state !== 'ARCHIVED' ? act('Archive', 'archive', 'Archive this record? It can be restored later.', 'danger') : act('Restore', 'restore'),
    record.state === 'PUBLISHED' ? h('a', { href: type === 'Program' ? `/programs/${encodeURIComponent(record.input.slug)}` : `/records/${encodeURIComponent(id)}` }, 'See it as readers do') : null);

  show(
    h('p', null, h('a', { href: '#/' }, 'Work list')),
    h('h1', null, record.title, ' ', badge(record.state), pending ? [' ', h('span', { class: 'badge pending' }, 'pending edit')] : null),
    h('p', { class: 'muted' }, `${TYPE_LABEL[type]} · version ${record.version} · changed ${when(record.updatedAt)}`),
    actions,
    pending ? h('section', { class: 'panel notice', 'aria-labelledby': 'pending-title' }, h('h2', { id: 'pending-title' }, 'Pending edit: what publishing will change'), diffTable(record.pendingChanges)) : null,
    kept ? h('p', { class: 'panel notice' }, `Your unsaved text from ${when(kept.at)} is back in the form.`, ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => { dropUnsaved(key); recordView(id); } }, 'Discard it')) : null,
    conflictBox,
    h('h2', null, 'Fields'),
    element,
    (CHILDREN[type] || []).map((child) => childList(record, child)),
    CITABLE.includes(type) ? citeBox(record) : null,
    revisionsBox(record),
  );
  if (kept && kept.version < record.version) showConflict();
}

// The records that belong to `record`, with a way to publish each and to add one.
function childList(record, child) {
  const box = h('section', { 'aria-label': `${TYPE_LABEL[child]}s` }, h('h2', null, `${TYPE_LABEL[child]}s`), h('p', { class: 'muted' }, 'Loading…'));
  (async () => {
    const { data, errors } = await gql(`query($t: RecordType!, $f: WorkListFilter) { workList(recordType: $t, filter: $f, limit: 100) {
      totalCount records { id title state version pendingChanges { field } } } }`, { t: TYPE_ENUM[child], f: { of: record.id } });
    const list = data.workList;
    const parentField = child === 'Citation' ? (record.recordType === 'Source' ? 'sourceId' : 'supports') : PARENT_FIELD[record.recordType];
    const add = child === 'Citation' && CITABLE.includes(record.recordType) ? null
      : h('a', { href: `#/new/${child}?${parentField === 'programId' && child === 'Commentary' ? 'programIds' : parentField}=${encodeURIComponent(record.id)}` }, `Add a ${TYPE_LABEL[child].toLowerCase()}`);
    fill(box, h('h2', null, `${TYPE_LABEL[child]}s`),
      errors.length ? h('p', { class: 'error' }, errors[0].message) : null,
      list && list.records.length ? h('ul', null, list.records.map((r) => h('li', null,
        h('a', { href: `#/record/${encodeURIComponent(r.id)}` }, r.title), ' ', badge(r.state),
        r.pendingChanges.length ? [' ', h('span', { class: 'badge pending' }, 'pending edit')] : null,
        r.state === 'DRAFT' || r.pendingChanges.length ? [' ', h('button', { type: 'button', class: 'secondary', onclick: async (event) => {
          const { errors: failed } = await gql('mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { id } }', { id: r.id, v: r.version });
          if (failed.length) { say(failed.map((e) => e.message).join(' ')); return; }
          say(`Published ${r.title}.`);
          event.target.replaceWith(badge('published'));
        } }, 'Publish')] : null))) : h('p', { class: 'muted' }, 'None yet.'),
      add ? h('p', null, add) : null);
  })();
  return box;
}

// Cite a source for `record`: find one, or create it (its URL is normalised by the server, and a
// source already at that URL is offered instead), then the excerpt and confidence.
function citeBox(record) {
  const box = h('section', { class: 'panel', 'aria-labelledby': 'cite-title' });
  let source = null;
  const error = h('p', { class: 'error', role: 'alert' });
  const chosen = h('p', { 'aria-live': 'polite' });
  const results = h('ul');
  const find = h('input', { type: 'search', id: 'cite-find', placeholder: 'Title, publisher or URL' });
  const choose = (s) => {
    source = s;
    fill(chosen, 'Source: ', h('strong', null, s.title), ' ', badge(s.state));
    fill(results);
    excerpt.focus();
  };
  const search = async () => {
    error.textContent = '';
    const text = find.value.trim();
    if (!text) return;
    const { data, errors } = await gql('query($f: WorkListFilter) { workList(recordType: SOURCE, filter: $f, limit: 10) { records { id title state } } }', { f: { text } });
    if (errors.length) { error.textContent = errors[0].message; return; }
    const found = data.workList.records;
    fill(results, ...(found.length ? found.map((s) => h('li', null, h('button', { type: 'button', class: 'secondary', onclick: () => choose(s) }, 'Use'), ` ${s.title} `, badge(s.state)))
      : [h('li', { class: 'muted' }, 'No source matches: create it below.')]));
  };
  const title = h('input', { id: 'cite-new-title' });
  const url = h('input', { id: 'cite-new-url', type: 'url', inputmode: 'url' });
  const publisher = h('input', { id: 'cite-new-publisher' });
  const kind = h('select', { id: 'cite-new-kind' }, h('option', { value: '' }, '(choose)'));
  enumValues('SourceKind').then((values) => kind.append(...values.map((v) => h('option', { value: v.name }, v.name.toLowerCase().replace(/_/g, ' ')))));
  const create = async () => {
    error.textContent = '';
    const input = { title: title.value.trim(), url: url.value.trim() || null, publisher: publisher.value.trim() || null, kind: kind.value || null };
    const { data, errors } = await gql('mutation($input: SourceInput!) { createSource(input: $input) { id title state } }', { input });
    const taken = errors.find((e) => codeOf(e) === 'CONFLICT' && e.extensions?.field === 'url');
    if (taken) {
      const { data: same } = await gql('query($f: WorkListFilter) { workList(recordType: SOURCE, filter: $f, limit: 1) { records { id title state } } }', { f: { text: input.url } });
      const existing = same.workList?.records[0];
      fill(error, 'A source with this URL exists already', existing ? [': ', h('strong', null, existing.title), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => choose(existing) }, 'Use it')] : '.');
      return;
    }
    if (errors.length) { error.textContent = errors.map((e) => `${e.extensions?.field ? `${humanise(e.extensions.field)}: ` : ''}${e.message}`).join(' '); return; }
    choose(data.createSource);
  };
  const excerpt = h('textarea', { id: 'cite-excerpt', rows: 3 });
  const field = h('input', { id: 'cite-field', placeholder: 'e.g. workAuthorization (empty: the whole record)' });
  const confidence = h('select', { id: 'cite-confidence' }, h('option', { value: '' }, '(not set)'));
  enumValues('Confidence').then((values) => confidence.append(...values.map((v) => h('option', { value: v.name }, v.name.toLowerCase()))));
  const cite = async () => {
    error.textContent = '';
    if (!source) { error.textContent = 'Choose or create a source first.'; find.focus(); return; }
    const input = { sourceId: source.id, supports: record.id, excerpt: excerpt.value.trim() || null, field: field.value.trim() || null, confidence: confidence.value || null };
    const { errors } = await gql('mutation($input: CitationInput!) { createCitation(input: $input) { id } }', { input });
    if (errors.length) { error.textContent = errors.map((e) => `${e.extensions?.field ? `${humanise(e.extensions.field)}: ` : ''}${e.message}`).join(' '); return; }
    say('Citation added as a draft: publish it (and its source) for readers to see it.');
    recordView(record.id);
  };
  find.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); search(); } });
  box.append(
    h('h2', { id: 'cite-title' }, 'Cite a source'),
    h('div', { class: 'field' }, h('label', { for: 'cite-find' }, 'Find a source'), find, ' ', h('button', { type: 'button', class: 'secondary', onclick: search }, 'Find')),
    results,
    h('details', null, h('summary', null, 'Or create a new source'),
      h('div', { class: 'field' }, h('label', { for: 'cite-new-title' }, 'Title (required)'), title),
      h('div', { class: 'field' }, h('label', { for: 'cite-new-url' }, 'URL'), url),
      h('div', { class: 'field' }, h('label', { for: 'cite-new-publisher' }, 'Publisher'), publisher),
      h('div', { class: 'field' }, h('label', { for: 'cite-new-kind' }, 'Kind (required)'), kind),
      h('button', { type: 'button', class: 'secondary', onclick: create }, 'Create the source')),
    chosen,
    h('div', { class: 'field' }, h('label', { for: 'cite-excerpt' }, 'Excerpt'), h('span', { class: 'help' }, 'The words of the source that support the record.'), excerpt),
    h('div', { class: 'field' }, h('label', { for: 'cite-field' }, 'Field it supports'), field),
    h('div', { class: 'field' }, h('label', { for: 'cite-confidence' }, 'Confidence'), confidence),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: cite }, 'Add the citation')));
  return box;
}

function revisionsBox(record) {
  const box = h('section', { 'aria-labelledby': 'revisions-title' }, h('h2', { id: 'revisions-title' }, 'Revisions'), h('p', { class: 'muted' }, 'Loading…'));
  (async () => {
    const { data, errors } = await gql(`query($id: ID!) { revisions(of: $id) { id version action summary live createdAt
      author { displayName } changes { field before after } } }`, { id: record.id });
    const list = data.revisions || [];
    fill(box, h('h2', { id: 'revisions-title' }, 'Revisions'),
      errors.length ? h('p', { class: 'error' }, errors[0].message) : null,
      list.map((r) => h('details', null,
        h('summary', null, `Version ${r.version}: ${r.action}${r.live ? '' : ' (a pending edit)'} by ${r.author?.displayName || 'the importer'}, ${when(r.createdAt)}${r.version === record.version ? ' (current)' : ''}`),
        r.summary ? h('p', null, r.summary) : null,
        r.changes.length ? diffTable(r.changes, ['Field', 'Before', 'After']) : h('p', { class: 'muted' }, 'No field changed.'),
        r.version === record.version ? null : h('button', { type: 'button', class: 'secondary', onclick: async () => {
          if (!window.confirm(`Make version ${r.version}'s content the current draft?`)) return;
          const { errors: failed } = await gql('mutation($id: ID!, $v: Int!) { restoreRevision(id: $id, expectedVersion: $v) { id } }', { id: r.id, v: record.version });
          if (failed.length) { say(failed.map((e) => e.message).join(' ')); return; }
          say(`Version ${r.version} restored.`);
          recordView(record.id);
        } }, `Restore version ${r.version}`))));
  })();
  return box;
}

// ---------------------------------------------------------------------------------------------
// Admins: accounts and the audit log. An editor who comes here is told so by the API.

// A password reset for `u`, typed into a password field (never shown, never in a prompt).
function resetPassword(u, error) {
  const id = `reset-${u.id}`;
  const input = h('input', { type: 'password', id, autocomplete: 'new-password', minlength: 12 });
  const box = h('details', null, h('summary', null, 'Reset password'),
    h('form', { onsubmit: async (event) => {
      event.preventDefault();
      const { errors } = await gql('mutation($id: ID!, $p: String!) { setUserPassword(id: $id, newPassword: $p) { id } }', { id: u.id, p: input.value });
      if (errors.length) { error.textContent = errors.map((e) => e.message).join(' '); input.focus(); return; }
      input.value = '';
      box.open = false;
      say(`Password reset for ${u.email}: their sessions have ended.`);
    } },
    h('label', { for: id }, `New password for ${u.email}`), h('span', { class: 'help' }, '12 to 128 characters. Their sessions end.'), input,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Set the password'))));
  return box;
}

async function usersView() {
  const { data, errors } = await gql('{ users { id email displayName role active lastLoginAt } }');
  if (errors.length) {
    const forbidden = errors.some((e) => codeOf(e) === 'FORBIDDEN');
    return show(h('h1', null, 'Accounts'), h('p', { class: 'error', role: 'alert' }, forbidden ? 'Only admins manage accounts.' : errors[0].message));
  }
  const error = h('p', { class: 'error', role: 'alert' });
  const row = (u) => {
    const role = h('select', { 'aria-label': `Role of ${u.email}`, value: u.role }, ['EDITOR', 'ADMIN'].map((r) => h('option', { value: r }, r.toLowerCase())));
    role.value = u.role;
    const update = async (input) => {
      const { errors: failed } = await gql('mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }', { id: u.id, input });
      if (failed.length) { error.textContent = failed.map((e) => e.message).join(' '); return; }
      say('Account updated.');
      usersView();
    };
    role.addEventListener('change', () => update({ role: role.value }));
    return h('tr', null, h('td', null, u.displayName, h('br'), h('span', { class: 'muted' }, u.email)), h('td', null, role),
      h('td', null, u.active ? 'active' : 'disabled'), h('td', { class: 'opt' }, when(u.lastLoginAt) || 'never'),
      h('td', null, h('div', { class: 'actions' },
        h('button', { type: 'button', class: u.active ? 'danger' : 'secondary', onclick: () => update({ active: !u.active }) }, u.active ? 'Disable' : 'Enable'),
        resetPassword(u, error))));
  };
  const shape = await inputType('CreateUserInput');
  const form = buildForm(shape, { role: 'EDITOR' }, () => {});
  const summary = h('div', { class: 'error', role: 'alert' });
  const create = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    form.clearErrors();
    const { input } = form.input({}, true);
    const { errors: failed } = await gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input });
    if (failed.length) { fill(summary, ...form.showErrors(fieldErrors(failed)).map((m) => h('p', null, m))); return; }
    say('Account created.');
    usersView();
  } }, form.element, summary, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create the account')));
  const passwordInput = create.querySelector('#f-password');
  if (passwordInput) { passwordInput.type = 'password'; passwordInput.autocomplete = 'new-password'; }
  show(h('h1', null, 'Accounts'), error,
    h('table', null, h('thead', null, h('tr', null, ['Who', 'Role', 'State', 'Last sign-in', 'Actions'].map((t, i) => h('th', { scope: 'col', class: i === 3 ? 'opt' : null }, t)))),
      h('tbody', null, data.users.map(row))),
    h('h2', null, 'New account'), create);
}

async function auditView() {
  const p = params();
  const filter = {};
  if (p.get('action')) filter.action = p.get('action');
  if (p.get('user')) filter.userId = p.get('user');
  const { data, errors } = await gql(`query($after: String, $f: AuditLogFilter) {
    users { id displayName email }
    auditLog(first: 50, after: $after, filter: $f) { totalCount
      pageInfo { hasNextPage endCursor } nodes { id action createdAt detail ip recordType recordId userId } } }`,
  { after: p.get('after'), f: filter });
  if (errors.length) {
    const forbidden = errors.some((e) => codeOf(e) === 'FORBIDDEN');
    return show(h('h1', null, 'Audit log'), h('p', { class: 'error', role: 'alert' }, forbidden ? 'Only admins read the audit log.' : errors.map((e) => e.message).join(' ')));
  }
  const names = new Map(data.users.map((u) => [u.id, u.displayName]));
  const log = data.auditLog;
  const form = h('form', { class: 'filters', 'aria-label': 'Filter the audit log', onsubmit: (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const el of event.target.elements) if (el.name && el.value) q.set(el.name, el.value);
    location.hash = `#/admin/audit?${q}`;
  } },
  h('label', null, 'Action', h('input', { name: 'action', value: p.get('action') || '', placeholder: 'Program.publish' })),
  h('label', null, 'Who', h('select', { name: 'user', value: p.get('user') || '' }, h('option', { value: '' }, 'anyone'), data.users.map((u) => h('option', { value: u.id }, u.displayName)))),
  h('button', { type: 'submit' }, 'Show'));
  const more = new URLSearchParams(p);
  more.set('after', log.pageInfo.endCursor || '');
  show(h('h1', null, 'Audit log'), form, h('p', null, `${log.totalCount} entries, newest first.`),
    h('table', null, h('thead', null, h('tr', null, ['When', 'Who', 'What', 'Record', 'Detail', 'From'].map((t, i) => h('th', { scope: 'col', class: i === 5 ? 'opt' : null }, t)))),
      h('tbody', null, log.nodes.map((e) => h('tr', null, h('td', null, when(e.createdAt)),
        h('td', null, e.userId ? names.get(e.userId) || e.userId : h('span', { class: 'muted' }, 'command line')),
        h('td', null, e.action),
        h('td', null, e.recordId && TYPES.includes(e.recordType) ? h('a', { href: `#/record/${encodeURIComponent(e.recordId)}` }, TYPE_LABEL[e.recordType]) : e.recordType || ''),
        h('td', null, e.detail || ''), h('td', { class: 'opt' }, e.ip || ''))))),
    log.pageInfo.hasNextPage ? h('p', null, h('a', { href: `#/admin/audit?${more}` }, 'Older entries')) : null);
}

async function accountView() {
  const error = h('p', { class: 'error', role: 'alert' });
  const current = h('input', { type: 'password', id: 'pw-current', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', id: 'pw-new', autocomplete: 'new-password' });
  show(h('h1', null, 'My account'), h('p', null, `${session.user.displayName}, ${session.user.email}, ${session.user.role.toLowerCase()}.`),
    h('h2', null, 'Change my password'),
    h('form', { onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      const { errors } = await gql('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id } }', { c: current.value, n: next.value });
      if (errors.length) { error.textContent = errors.map((e) => e.message).join(' '); return; }
      say('Password changed. Every session of this account has ended: sign in again.');
      signOut();
    } },
    h('div', { class: 'field' }, h('label', { for: 'pw-current' }, 'Current password'), current),
    h('div', { class: 'field' }, h('label', { for: 'pw-new' }, 'New password'), next),
    error, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change the password'))));
}

// ---------------------------------------------------------------------------------------------
// Routing by the address's fragment, so that every view has a link and the back button works.

async function route() {
  renderBar();
  if (!session.token) {
    const { form, focus } = signInForm(() => route());
    show(h('h1', null, 'Sign in'), h('p', null, 'Editors and admins sign in with their visa-kb account.'), form);
    focus();
    return;
  }
  const path = (location.hash.slice(1) || '/').split('?')[0];
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0) await workList();
    else if (parts[0] === 'reverify') await reverify();
    else if (parts[0] === 'new' && parts.length === 1) chooseNew();
    else if (parts[0] === 'new' && TYPES.includes(parts[1])) await createView(parts[1]);
    else if (parts[0] === 'record' && parts[1]) await recordView(parts[1]);
    else if (parts[0] === 'admin' && parts[1] === 'users') await usersView();
    else if (parts[0] === 'admin' && parts[1] === 'audit') await auditView();
    else if (parts[0] === 'account') await accountView();
    else show(h('h1', null, 'Not found'), h('p', null, h('a', { href: '#/' }, 'Back to the work list')));
  } catch (e) {
    show(h('h1', null, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message), h('p', null, h('a', { href: '#/' }, 'Back to the work list')));
  }
}

window.addEventListener('hashchange', route);
route();
