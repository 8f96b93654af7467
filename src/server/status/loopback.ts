/**
 * Which addresses count as "this machine only". The status endpoint has no
 * authentication, so over TCP it binds to loopback addresses alone.
 */
import net from 'node:net';

/**
 * True for `127.0.0.0/8`, `::1` and IPv4-mapped loopback (`::ffff:127.x.y.z`).
 * Names (`localhost`) are not resolved and count as false: the endpoint binds
 * to addresses, and a name may resolve to anything.
 */
export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v = net.isIP(a);
  if (v === 4) return a.startsWith('127.');
  if (v !== 6) return false;
  const g = ipv6Groups(a.toLowerCase());
  const zeros = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g[7] === 1) return true;
  // ::ffff:127.x.y.z
  return zeros(5) && g[5] === 0xffff && g[6]! >> 8 === 127;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail counts as two). */
function ipv6Groups(a: string): number[] {
  const parts = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').flatMap((p) => {
          if (!p.includes('.')) return [Number.parseInt(p, 16)];
          const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = p.split('.').map(Number);
          return [(b0 << 8) | b1, (b2 << 8) | b3];
        });
  const [head = '', tail] = a.split('::');
  const h = parts(head);
  if (tail === undefined) return h;
  const t = parts(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * True when an HTTP `Host` header names this machine: a loopback address or
 * `localhost`, with or without a port; an absent header counts as true.
 * Checking it keeps a web page from reading the endpoint through a DNS
 * name rebound to 127.0.0.1.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end < 0) return false;
    name = name.slice(1, end);
  } else if (name.indexOf(':') === name.lastIndexOf(':')) {
    name = name.replace(/:\d*$/, '');
  }
  return name === 'localhost' || isLoopbackAddress(name);
}
