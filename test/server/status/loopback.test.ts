// Which addresses and Host headers count as loopback.
import t from 'tap';
import { isLoopbackAddress, isLoopbackHost } from '../../../src/server/status/loopback.js';

t.test('loopback addresses', async (t) => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '0000::0001', '[::1]', '::ffff:127.0.0.1', '0:0:0:0:0:ffff:127.0.0.9', '::ffff:7f00:1']) {
    t.ok(isLoopbackAddress(a), a);
  }
  for (const a of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::2', '1::1', '::ffff:10.0.0.1', '::ffff:0:127.0.0.1', 'localhost', 'example.com', '', '127.0.0.1.example.com', '1:0:0:0:0:0:0:1']) {
    t.notOk(isLoopbackAddress(a), a || '(empty)');
  }
});

t.test('Host headers', async (t) => {
  for (const h of [undefined, 'localhost', 'LOCALHOST:8080', '127.0.0.1', '127.0.0.1:9999', '[::1]', '[::1]:80', '::1']) t.ok(isLoopbackHost(h), String(h));
  for (const h of ['evil.example', 'evil.example:80', '10.0.0.1:80', '[::2]:80', '[::1', 'localhost.evil.example', '']) t.notOk(isLoopbackHost(h), h);
});
