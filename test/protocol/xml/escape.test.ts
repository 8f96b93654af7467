import t from 'tap';
import { escapeAttr, escapeText, isXmlName } from '../../../src/protocol/xml/index.js';
import { stripInvalidChars } from '../../../src/protocol/xml/escape.js';

t.test('escapeAttr', async (t) => {
  t.equal(escapeAttr(''), '');
  t.equal(escapeAttr('plain ASCII é \u{1F600}'.slice(0, 14)), 'plain ASCII é ');
  t.equal(escapeAttr('a&b<c>d"e\'f'), 'a&amp;b&lt;c&gt;d&quot;e\'f');
  t.equal(escapeAttr('\t\n\r'), '&#x9;&#xA;&#xD;');
  t.equal(escapeAttr('\u0000\u0001\u0008\u000b\u000c\u000e\u001f'), '');
  t.equal(escapeAttr('\ufffe\uffff\ufffd'), '\ufffd');
  t.equal(escapeAttr('\u{1F600}'), '\u{1F600}', 'pairs kept');
  t.equal(escapeAttr('\ud83d'), '\ufffd');
  t.equal(escapeAttr('\ude00x'), '\ufffdx');
  t.equal(escapeAttr('\ude00\ud83d'), '\ufffd\ufffd', 'reversed pair');
});

t.test('escape functions return the same string when nothing changes', async (t) => {
  const s = ['lrmd_rsc_exec', 'x'.repeat(50)].join('-');
  t.equal(escapeAttr(s), s);
  t.equal(escapeText(s), s);
  t.equal(escapeText('tab\tand\nnewline'), 'tab\tand\nnewline', 'TAB and LF stay raw in text');
});

t.test('escapeText', async (t) => {
  t.equal(escapeText('a&b<c>d"e\'f'), 'a&amp;b&lt;c&gt;d"e\'f');
  t.equal(escapeText('a\r\nb'), 'a&#xD;\nb');
  t.equal(escapeText('x\u0001y\u0000'), 'xy');
  t.equal(escapeText('\ud800'), '\ufffd');
  t.equal(escapeText(']]>'), ']]&gt;');
});

t.test('stripInvalidChars keeps markup characters', async (t) => {
  t.equal(stripInvalidChars('<&>"\t\r\n'), '<&>"\t\r\n');
  t.equal(stripInvalidChars('a\u0001b\uffff\ud800'), 'ab\ufffd');
  t.equal(stripInvalidChars('\u0001<&\r\n\t'), '<&\r\n\t');
});

t.test('isXmlName', async (t) => {
  for (const n of ['a', '_', ':', 'a-b.c:d_1', 'é', '中文', 'a\u00b7', 'a\u0300', '\u{10000}', 'A\u203f']) t.ok(isXmlName(n), n);
  for (const n of ['', '1', '-a', '.a', 'a b', '\u00d7', 'a\u00f7', '\u00b7a', '\u0300a', '\ud800', '\u{F0000}', 'a\u0000']) {
    t.notOk(isXmlName(n), JSON.stringify(n));
  }
});
