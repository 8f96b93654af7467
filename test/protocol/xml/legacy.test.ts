import t from 'tap';
import { unescapeLegacy } from '../../../src/protocol/xml/index.js';

t.test('newline and CR sequences of the 2.1.5 writer', async (t) => {
  t.equal(unescapeLegacy('line1\\nline2\\r\\n'), 'line1\nline2\r\n');
  t.equal(unescapeLegacy('no escapes'), 'no escapes');
  const s = 'x'.repeat(20);
  t.equal(unescapeLegacy(s), s, 'returns the input when there is no backslash');
});

t.test('three-digit octal escapes of control characters', async (t) => {
  t.equal(unescapeLegacy('a\\001b\\033[0m\\037\\177'), 'a\u0001b\u001b[0m\u001f\u007f');
  t.equal(unescapeLegacy('\\000'), '\\000', 'NUL never comes from the writer');
  t.equal(unescapeLegacy('\\101\\040'), '\\101\\040', 'printable characters were never escaped');
  t.equal(unescapeLegacy('\\0011'), '\u00011', 'exactly three digits');
});

t.test('a sign-extended high byte becomes U+FFFD', async (t) => {
  t.equal(unescapeLegacy('a\\37777777703b'), 'a\ufffdb');
});

t.test('other backslashes are left alone', async (t) => {
  for (const s of ['C:\\path', '\\t', '\\\\', 'end\\', '\\8', '\\01', '\\x41', '\\N']) t.equal(unescapeLegacy(s), s, s);
  t.equal(unescapeLegacy('\\\\n'), '\\\n', 'the writer does not escape backslashes, so this is ambiguous');
});
