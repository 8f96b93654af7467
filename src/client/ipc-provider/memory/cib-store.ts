/**
 * An in-memory CIB document for the IPC provider's test backend
 * (spec/protocol.md §8.16): section lookup, XPath queries shaped as the
 * CIB manager answers them, simple writes, and the transient node
 * attributes the attribute manager keeps in the status section.
 */
import { EventEmitter } from 'node:events';
import { parseXml } from '../../../protocol/xml/parser.js';
import { serializeXml } from '../../../protocol/xml/serializer.js';
import type { XmlElement, XmlNode } from '../../../protocol/xml/types.js';
import { childElements, el } from '../body.js';
import { IpcProviderError, IpcProviderErrorCode } from '../errors.js';
import { evaluateXpath } from './xpath.js';

/** Legacy (negative errno) results of CIB operations (`cib_rc`). */
export const CibRc = {
  ok: 0,
  ENXIO: -6,
  EACCES: -13,
  EEXIST: -17,
  EINVAL: -22,
  ENOMSG: -42,
  EPROTO: -71,
  EOPNOTSUPP: -95,
} as const;

/** Call option bits of CIB requests (`cib_callopt`) that the store honours. */
export const CibCallOpt = {
  xpath: 0x2,
  multiple: 0x4,
  canCreate: 0x8,
  noChildren: 0x20,
  xpathAddress: 0x40,
  syncCall: 0x1000,
} as const;

// Section name → path of element names below <cib> (the CIB manager's section table).
const SECTIONS: Readonly<Record<string, readonly string[]>> = {
  cib: [],
  all: [],
  status: ['status'],
  configuration: ['configuration'],
  crm_config: ['configuration', 'crm_config'],
  nodes: ['configuration', 'nodes'],
  resources: ['configuration', 'resources'],
  constraints: ['configuration', 'constraints'],
  op_defaults: ['configuration', 'op_defaults'],
  rsc_defaults: ['configuration', 'rsc_defaults'],
  acls: ['configuration', 'acls'],
  'fencing-topology': ['configuration', 'fencing-topology'],
  tags: ['configuration', 'tags'],
  alerts: ['configuration', 'alerts'],
};

/** The outcome of one CIB operation: `cib_rc` and the element for `cib_calldata`. */
export interface CibResult {
  readonly rc: number;
  readonly output?: XmlElement;
}

/** Events of {@link CibStore}. */
export interface CibStoreEvents {
  /** The document changed (operation name). */
  change: [string];
}

/** A CIB document held in memory. */
export class CibStore extends EventEmitter<CibStoreEvents> {
  readonly #root: XmlElement;
  #text: string | undefined;

  /**
   * @param cib the CIB as XML text or an element tree (kept, not copied).
   * @throws IpcProviderError IPC_BAD_CIB when it is not a `<cib>` element with a `<configuration>`.
   */
  constructor(cib: string | XmlElement) {
    super();
    let root: XmlElement;
    try {
      root = typeof cib === 'string' ? parseXml(cib) : cib;
    } catch (err) {
      throw new IpcProviderError(IpcProviderErrorCode.BadCib, `unreadable CIB: ${(err as Error).message}`, { cause: err });
    }
    if (root.name !== 'cib' || !childElements(root, 'configuration')[0]) {
      throw new IpcProviderError(IpcProviderErrorCode.BadCib, 'the CIB must be a <cib> element with a <configuration> child');
    }
    stripBlank(root);
    if (!childElements(root, 'status')[0]) root.children.push(el('status'));
    this.#root = root;
  }

  /** The live document. Change it through the store's methods, or call {@link CibStore.touch} after. */
  get root(): XmlElement {
    return this.#root;
  }

  /** The whole document as XML text, kept until the next change (whole-CIB queries reuse it). */
  text(): string {
    return (this.#text ??= serializeXml(this.#root));
  }

  /** Record a change made to {@link CibStore.root} directly: bumps `num_updates`, emits `change`. */
  touch(op = 'external'): void {
    this.#changed(op);
  }

  /** The element of a named section (`nodes`, `status`, …; none or `all` = the whole CIB). */
  section(name?: string): XmlElement | undefined {
    const path = SECTIONS[name ?? 'cib'];
    if (!path) return undefined;
    let cur: XmlElement | undefined = this.#root;
    for (const step of path) cur = cur && childElements(cur, step)[0];
    return cur;
  }

  /**
   * `cib_query` as the CIB manager answers it: a section (or the whole
   * CIB), or with the xpath option the one match, or an `<xpath-query>`
   * holding several; `no_children` keeps only the attributes; ENXIO when
   * nothing matches.
   */
  query(target: string | undefined, options: number): CibResult {
    if (options & CibCallOpt.xpath) {
      const matches = evaluateXpath(this.#root, target ?? '/cib');
      if (matches.length === 0) return { rc: CibRc.ENXIO };
      if (options & CibCallOpt.xpathAddress) {
        return { rc: CibRc.ok, output: el('xpath-query', {}, matches.map((m) => el('xpath-query-path', { id: this.#addressOf(m) }))) };
      }
      const shaped = matches.map((m) => (options & CibCallOpt.noChildren ? shallow(m) : m));
      return { rc: CibRc.ok, output: shaped.length === 1 ? shaped[0]! : el('xpath-query', {}, shaped) };
    }
    const section = this.section(target);
    if (!section) return { rc: CibRc.ENXIO };
    return { rc: CibRc.ok, output: options & CibCallOpt.noChildren ? shallow(section) : section };
  }

  /**
   * `cib_modify`: merge `input` (attributes and children, matched by name
   * and id) into the same-named element of the section or of each xpath
   * match; with `can_create` an absent element is added to the section.
   */
  modify(target: string | undefined, options: number, input: XmlElement | undefined): CibResult {
    if (!input) return { rc: CibRc.EINVAL };
    const places = this.#targets(target, options);
    if (!places) return { rc: CibRc.ENXIO };
    let done = false;
    for (const place of places) {
      const match = place.name === input.name && sameId(place, input) ? place : findById(place, input);
      if (match) merge(match, input);
      else if (options & CibCallOpt.canCreate && !(options & CibCallOpt.xpath)) place.children.push(clone(input));
      else continue;
      done = true;
      if (!(options & CibCallOpt.multiple) && options & CibCallOpt.xpath) break;
    }
    if (!done) return { rc: CibRc.ENXIO };
    this.#changed('cib_modify');
    return { rc: CibRc.ok };
  }

  /** `cib_create`: add `input` under the section (or the first xpath match); EEXIST when an element with its name and id is there. */
  create(target: string | undefined, options: number, input: XmlElement | undefined): CibResult {
    if (!input) return { rc: CibRc.EINVAL };
    const place = this.#targets(target, options)?.[0];
    if (!place) return { rc: CibRc.ENXIO };
    if (input.attrs.id !== undefined && childElements(place, input.name).some((c) => sameId(c, input))) return { rc: CibRc.EEXIST };
    place.children.push(clone(input));
    this.#changed('cib_create');
    return { rc: CibRc.ok };
  }

  /** `cib_delete`: remove the xpath matches (first only unless `multiple`), or the element matching `input` by name and id. */
  delete(target: string | undefined, options: number, input: XmlElement | undefined): CibResult {
    if (options & CibCallOpt.xpath) {
      const matches = evaluateXpath(this.#root, target ?? '');
      const doomed = options & CibCallOpt.multiple ? matches : matches.slice(0, 1);
      if (doomed.includes(this.#root)) return { rc: CibRc.EINVAL };
      for (const m of doomed) this.#detach(m);
    } else {
      const section = this.section(target);
      if (!section || !input) return { rc: input ? CibRc.ENXIO : CibRc.EINVAL };
      const match = findById(section, input);
      if (match) this.#detach(match);
    }
    // An absent element counts as already deleted (as in the CIB manager).
    this.#changed('cib_delete');
    return { rc: CibRc.ok };
  }

  /** `cib_replace`: replace the section (or the xpath matches) with `input`. */
  replace(target: string | undefined, options: number, input: XmlElement | undefined): CibResult {
    if (!input) return { rc: CibRc.EINVAL };
    if (options & CibCallOpt.xpath) {
      const matches = evaluateXpath(this.#root, target ?? '');
      if (matches.length === 0) return { rc: CibRc.ENXIO };
      for (const m of options & CibCallOpt.multiple ? matches : matches.slice(0, 1)) this.#swap(m, clone(input));
    } else {
      const section = this.section(target);
      if (!section) return { rc: CibRc.ENXIO };
      if (section === this.#root) {
        if (input.name !== 'cib') return { rc: CibRc.EINVAL };
        this.#root.children.splice(0, this.#root.children.length, ...clone(input).children);
        for (const [k, v] of Object.entries(input.attrs)) this.#root.attrs[k] = v;
      } else {
        this.#swap(section, clone(input));
      }
    }
    this.#changed('cib_replace');
    return { rc: CibRc.ok };
  }

  /**
   * The id under which node `uname` keeps its status entry, as
   * `query_node_uuid` finds it: a `<node>` of the nodes section (its `id`;
   * the name for `type="remote"`), an `ocf:pacemaker:remote` primitive, or a
   * remote `node_state`. Case-insensitive; undefined when unknown.
   */
  nodeUuid(uname: string): { readonly id: string; readonly remote: boolean } | undefined {
    const want = uname.toLowerCase();
    for (const n of childElements(this.section('nodes') ?? el('nodes'), 'node')) {
      if (n.attrs.uname?.toLowerCase() === want) {
        return n.attrs.type === 'remote' ? { id: n.attrs.uname, remote: true } : { id: n.attrs.id ?? uname, remote: false };
      }
    }
    for (const p of childElements(this.section('resources') ?? el('resources'), 'primitive')) {
      const a = p.attrs;
      if (a.class === 'ocf' && a.provider === 'pacemaker' && a.type === 'remote' && a.id?.toLowerCase() === want) return { id: a.id, remote: true };
    }
    for (const s of childElements(this.section('status')!, 'node_state')) {
      if (s.attrs.remote_node === 'true' && s.attrs.id?.toLowerCase() === want) return { id: s.attrs.id, remote: true };
    }
    return undefined;
  }

  /**
   * Set (or with `value` undefined remove) a transient attribute of a
   * node in the status section, as the attribute manager writes it:
   * `node_state` → `transient_attributes` → `instance_attributes`
   * (`status-<id>`) → `nvpair` (`status-<id>-<name>`).
   */
  setTransientAttribute(node: { readonly id: string; readonly uname: string; readonly remote: boolean }, name: string, value: string | undefined, setId?: string): void {
    const status = this.section('status')!;
    let state = childElements(status, 'node_state').find((s) => s.attrs.id === node.id);
    if (!state) {
      if (value === undefined) return;
      state = el('node_state', { id: node.id, uname: node.uname, remote_node: node.remote ? 'true' : undefined });
      status.children.push(state);
    }
    let transient = childElements(state, 'transient_attributes')[0];
    if (!transient) {
      if (value === undefined) return;
      transient = el('transient_attributes', { id: node.id });
      state.children.push(transient);
    }
    const set = setId ?? `status-${node.id}`;
    let attrs = childElements(transient, 'instance_attributes').find((s) => s.attrs.id === set);
    if (!attrs) {
      if (value === undefined) return;
      attrs = el('instance_attributes', { id: set });
      transient.children.push(attrs);
    }
    const pair = childElements(attrs, 'nvpair').find((p) => p.attrs.name === name);
    if (value === undefined) {
      if (pair) this.#detach(pair);
    } else if (pair) {
      pair.attrs.value = value;
    } else {
      attrs.children.push(el('nvpair', { id: xmlId(`${set}-${name}`), name, value }));
    }
    this.#changed('attrd');
  }

  /** Make sure `uname` has a status entry (as the controller adds one when a remote node connects). */
  ensureNodeState(uname: string, attrs: Readonly<Record<string, string>>): void {
    const node = this.nodeUuid(uname) ?? { id: uname, remote: true };
    const status = this.section('status')!;
    const state = childElements(status, 'node_state').find((s) => s.attrs.id === node.id);
    if (state) return;
    status.children.push(el('node_state', { id: node.id, uname, ...(node.remote ? { remote_node: 'true' } : {}), ...attrs }));
  }

  #targets(target: string | undefined, options: number): XmlElement[] | undefined {
    if (options & CibCallOpt.xpath) {
      const m = evaluateXpath(this.#root, target ?? '');
      return m.length > 0 ? m : undefined;
    }
    const s = this.section(target);
    return s ? [s] : undefined;
  }

  #changed(op: string): void {
    this.#text = undefined;
    const n = Number.parseInt(this.#root.attrs.num_updates ?? '0', 10);
    this.#root.attrs.num_updates = String(Number.isFinite(n) ? n + 1 : 1);
    this.emit('change', op);
  }

  #parentOf(target: XmlElement): XmlElement | undefined {
    const visit = (e: XmlElement): XmlElement | undefined => {
      for (const c of e.children) {
        if (c.type !== 'element') continue;
        if (c === target) return e;
        const p = visit(c);
        if (p) return p;
      }
      return undefined;
    };
    return visit(this.#root);
  }

  #detach(target: XmlElement): void {
    const p = this.#parentOf(target);
    if (p) p.children.splice(p.children.indexOf(target), 1);
  }

  #swap(target: XmlElement, replacement: XmlElement): void {
    const p = this.#parentOf(target);
    if (p) p.children.splice(p.children.indexOf(target), 1, replacement);
  }

  #addressOf(target: XmlElement): string {
    let path = '';
    let cur: XmlElement | undefined = target;
    while (cur) {
      const id = cur.attrs.id;
      path = (id !== undefined ? `/${cur.name}[@id='${id}']` : `/${cur.name}`) + path;
      cur = this.#parentOf(cur);
    }
    return path;
  }
}

function stripBlank(e: XmlElement): void {
  for (let i = e.children.length - 1; i >= 0; i--) {
    const c = e.children[i]!;
    if (c.type === 'text' && c.text.trim() === '') e.children.splice(i, 1);
    else if (c.type === 'element') stripBlank(c);
  }
}

function shallow(e: XmlElement): XmlElement {
  return el(e.name, { ...e.attrs });
}

function clone(e: XmlElement): XmlElement {
  return {
    type: 'element',
    name: e.name,
    attrs: { ...e.attrs },
    children: e.children.map((c): XmlNode => (c.type === 'element' ? clone(c) : { ...c })),
  };
}

function sameId(a: XmlElement, b: XmlElement): boolean {
  return a.attrs.id === b.attrs.id;
}

function findById(scope: XmlElement, like: XmlElement): XmlElement | undefined {
  for (const c of childElements(scope)) {
    if (c.name === like.name && sameId(c, like)) return c;
    const deeper = findById(c, like);
    if (deeper) return deeper;
  }
  return undefined;
}

function merge(target: XmlElement, input: XmlElement): void {
  for (const [k, v] of Object.entries(input.attrs)) target.attrs[k] = v;
  for (const child of childElements(input)) {
    const match = childElements(target, child.name).find((c) => sameId(c, child));
    if (match) merge(match, child);
    else target.children.push(clone(child));
  }
}

/** An id as Pacemaker makes one from free text: `:` and `#` become `.`. */
function xmlId(text: string): string {
  return text.replace(/[:#]/g, '.');
}
