/**
 * The part of XPath 1.0 that Pacemaker's tools put in CIB queries
 * (spec/protocol.md §8.16): absolute location paths with `/` and `//`,
 * unions, name tests and `*`, `..`, and predicates built from attribute
 * tests, string literals, numbers (position), `=`, `!=`, `and`, `or`,
 * `not()`, `translate()`, `contains()`, `starts-with()`, `concat()`,
 * `name()` / `local-name()`, child element tests, and parentheses.
 */
import type { XmlElement } from '../../../protocol/xml/types.js';
import { IpcProviderError, IpcProviderErrorCode } from '../errors.js';

type Value = string | number | boolean | readonly string[];

/** @internal */
export interface Step {
  /** `//` before this step: descendant-or-self. */
  readonly deep: boolean;
  /** Element name, `*`, or `..` (parent). */
  readonly test: string;
  readonly predicates: readonly Pred[];
}

/** @internal */
export type Pred =
  | { readonly kind: 'or' | 'and'; readonly left: Pred; readonly right: Pred }
  | { readonly kind: 'cmp'; readonly op: '=' | '!='; readonly left: Pred; readonly right: Pred }
  | { readonly kind: 'attr'; readonly name: string }
  | { readonly kind: 'child'; readonly name: string }
  | { readonly kind: 'lit'; readonly value: string }
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'fn'; readonly name: string; readonly args: readonly Pred[] };

const TOKEN = /\s*(\/\/|\/|\[|\]|\(|\)|\||,|!=|=|@|\.\.|\*|'[^']*'|"[^"]*"|\d+(?:\.\d+)?|[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw bad(text, `unexpected text at ${at}`);
    out.push(m[1]!);
  }
  return out;
}

function bad(text: string, why: string): IpcProviderError {
  return new IpcProviderError(IpcProviderErrorCode.BadXpath, `xpath '${text}': ${why}`);
}

class Parser {
  #i = 0;
  constructor(
    readonly text: string,
    readonly toks: string[],
  ) {}

  peek(): string | undefined {
    return this.toks[this.#i];
  }
  next(): string {
    const t = this.toks[this.#i++];
    if (t === undefined) throw bad(this.text, 'unexpected end');
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw bad(this.text, `expected '${t}', got '${got}'`);
  }

  union(): Step[][] {
    const paths = [this.path()];
    while (this.peek() === '|') {
      this.next();
      paths.push(this.path());
    }
    if (this.peek() !== undefined) throw bad(this.text, `unexpected '${this.peek()}'`);
    return paths;
  }

  path(): Step[] {
    const steps: Step[] = [];
    const first = this.peek();
    if (first !== '/' && first !== '//') throw bad(this.text, 'only absolute paths are supported');
    while (this.peek() === '/' || this.peek() === '//') {
      const deep = this.next() === '//';
      const test = this.next();
      if (test !== '*' && test !== '..' && !/^[A-Za-z_]/.test(test)) throw bad(this.text, `bad step '${test}'`);
      const predicates: Pred[] = [];
      while (this.peek() === '[') {
        this.next();
        predicates.push(this.or());
        this.expect(']');
      }
      steps.push({ deep, test, predicates });
    }
    return steps;
  }

  or(): Pred {
    let left = this.and();
    while (this.peek() === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  and(): Pred {
    let left = this.cmp();
    while (this.peek() === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.cmp() };
    }
    return left;
  }

  cmp(): Pred {
    const left = this.primary();
    const op = this.peek();
    if (op === '=' || op === '!=') {
      this.next();
      return { kind: 'cmp', op, left, right: this.primary() };
    }
    return left;
  }

  primary(): Pred {
    const t = this.next();
    if (t === '@') return { kind: 'attr', name: this.next() };
    if (t === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (t.startsWith("'") || t.startsWith('"')) return { kind: 'lit', value: t.slice(1, -1) };
    if (/^\d/.test(t)) return { kind: 'num', value: Number(t) };
    if (this.peek() === '(') {
      this.next();
      const args: Pred[] = [];
      if (this.peek() !== ')') {
        args.push(this.or());
        while (this.peek() === ',') {
          this.next();
          args.push(this.or());
        }
      }
      this.expect(')');
      return { kind: 'fn', name: t, args };
    }
    if (/^[A-Za-z_]/.test(t)) return { kind: 'child', name: t };
    throw bad(this.text, `unexpected '${t}'`);
  }
}

/** A compiled query; {@link evaluateXpath} runs it against a document. */
export interface CompiledXpath {
  readonly text: string;
  /** @internal */
  readonly paths: readonly (readonly Step[])[];
}

/** Compile `text`. @throws IpcProviderError IPC_BAD_XPATH outside the supported subset. */
export function compileXpath(text: string): CompiledXpath {
  const p = new Parser(text, tokenize(text));
  return { text, paths: p.union() };
}

/**
 * The elements `xpath` selects in the document rooted at `root`, in
 * document order without duplicates.
 */
export function evaluateXpath(root: XmlElement, xpath: string | CompiledXpath): XmlElement[] {
  const q = typeof xpath === 'string' ? compileXpath(xpath) : xpath;
  const parents = new Map<XmlElement, XmlElement>();
  const order = new Map<XmlElement, number>();
  const walk = (e: XmlElement): void => {
    order.set(e, order.size);
    for (const c of e.children) {
      if (c.type !== 'element') continue;
      parents.set(c, e);
      walk(c);
    }
  };
  walk(root);
  const found = new Set<XmlElement>();
  for (const path of q.paths) for (const e of runPath(root, path, parents)) found.add(e);
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
}

function runPath(root: XmlElement, steps: readonly Step[], parents: Map<XmlElement, XmlElement>): XmlElement[] {
  // The context of the first step is the document node, whose only child is the root.
  let context: (XmlElement | null)[] = [null];
  for (const step of steps) {
    const next = new Set<XmlElement>();
    for (const ctx of context) {
      const candidates = candidatesOf(ctx, root, step, parents);
      const kept = filter(candidates, step.predicates);
      for (const e of kept) next.add(e);
    }
    context = [...next];
  }
  return context.filter((e): e is XmlElement => e !== null);
}

function kids(e: XmlElement | null, root: XmlElement): XmlElement[] {
  if (e === null) return [root];
  return e.children.filter((c): c is XmlElement => c.type === 'element');
}

function candidatesOf(ctx: XmlElement | null, root: XmlElement, step: Step, parents: Map<XmlElement, XmlElement>): XmlElement[] {
  if (step.test === '..') {
    const bases = step.deep ? [ctx, ...descendants(ctx, root)] : [ctx];
    return bases.flatMap((b) => (b && parents.has(b) ? [parents.get(b)!] : []));
  }
  const bases = step.deep ? [ctx, ...descendants(ctx, root)] : [ctx];
  const out: XmlElement[] = [];
  for (const b of bases) for (const k of kids(b, root)) if (step.test === '*' || k.name === step.test) out.push(k);
  return out;
}

function descendants(ctx: XmlElement | null, root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    out.push(e);
    for (const k of kids(e, root)) visit(k);
  };
  for (const k of kids(ctx, root)) visit(k);
  return out;
}

function filter(nodes: XmlElement[], preds: readonly Pred[]): XmlElement[] {
  let current = nodes;
  for (const p of preds) {
    const size = current.length;
    current = current.filter((e, i) => {
      const v = evalPred(p, e);
      return typeof v === 'number' ? v === i + 1 && i < size : truthy(v);
    });
  }
  return current;
}

function truthy(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '';
  return v.length > 0;
}

function str(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v[0] ?? '';
}

function evalPred(p: Pred, e: XmlElement): Value {
  switch (p.kind) {
    case 'or':
      return truthy(evalPred(p.left, e)) || truthy(evalPred(p.right, e));
    case 'and':
      return truthy(evalPred(p.left, e)) && truthy(evalPred(p.right, e));
    case 'attr': {
      const v = Object.hasOwn(e.attrs, p.name) ? e.attrs[p.name] : undefined;
      return v === undefined ? [] : [v];
    }
    case 'child':
      return e.children.filter((c): c is XmlElement => c.type === 'element' && c.name === p.name).map(textOf);
    case 'lit':
      return p.value;
    case 'num':
      return p.value;
    case 'cmp':
      return compare(p.op, evalPred(p.left, e), evalPred(p.right, e));
    case 'fn':
      return call(p.name, p.args.map((a) => evalPred(a, e)), e);
  }
}

function textOf(e: XmlElement): string {
  return e.children.map((c) => (c.type === 'text' || c.type === 'cdata' ? c.text : c.type === 'element' ? textOf(c) : '')).join('');
}

function compare(op: '=' | '!=', a: Value, b: Value): boolean {
  // A node-set compares true when any member does (XPath 1.0 §3.4).
  const as = Array.isArray(a) ? a : [a as string | number | boolean];
  const bs = Array.isArray(b) ? b : [b as string | number | boolean];
  for (const x of as) {
    for (const y of bs) {
      const eq = typeof x === 'number' || typeof y === 'number' ? Number(x) === Number(y) : typeof x === 'boolean' || typeof y === 'boolean' ? truthy(x) === truthy(y) : x === y;
      if (eq === (op === '=')) return true;
    }
  }
  return false;
}

function call(name: string, args: Value[], e: XmlElement): Value {
  const s = (i: number): string => str(args[i] ?? '');
  switch (name) {
    case 'not':
      return !truthy(args[0] ?? false);
    case 'translate': {
      const from = s(1);
      const to = s(2);
      let out = '';
      for (const ch of s(0)) {
        const i = from.indexOf(ch);
        if (i < 0) out += ch;
        else if (i < to.length) out += to[i];
      }
      return out;
    }
    case 'contains':
      return s(0).includes(s(1));
    case 'starts-with':
      return s(0).startsWith(s(1));
    case 'concat':
      return args.map(str).join('');
    case 'name':
    case 'local-name':
      return e.name;
    case 'string':
      return s(0);
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new IpcProviderError(IpcProviderErrorCode.BadXpath, `xpath function ${name}() is not supported`);
  }
}
