/**
 * Classification of IP addresses for outbound fetches (remote ingest, crawl, callbacks).
 *
 * Security standard: outbound fetches refuse private and loopback addresses unless
 * OPENGROUND_ALLOW_PRIVATE_NETWORK=true. This module only answers "may the server connect to
 * this address?"; DNS resolution and pinning live in safe-fetch.ts.
 *
 * Policy: fail closed. Anything that is not a syntactically valid, canonical IPv4 or IPv6
 * address is forbidden, and for IPv6 only global unicast (2000::/3) and the prefixes that embed
 * a *public* IPv4 address are allowed. Everything else (loopback, private, link-local, CGNAT,
 * multicast, documentation, benchmarking, reserved, …) is forbidden.
 *
 * Pure: no I/O, no dependency.
 */

/** Why an address is forbidden; used in human-readable messages ("a loopback address"). */
export type ForbiddenReason =
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "shared (CGNAT)"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "documentation"
  | "benchmarking"
  | "cloud metadata"
  | "invalid";

interface V4Range {
  readonly base: number;
  readonly bits: number;
  readonly reason: ForbiddenReason;
}

function v4Range(cidr: string, reason: ForbiddenReason): V4Range {
  const [addr, bits] = cidr.split("/");
  const base = parseIPv4(addr ?? "");
  if (base === undefined) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits), reason };
}

/** Most specific first: the first match gives the reason. */
const V4_FORBIDDEN: readonly V4Range[] = [
  v4Range("169.254.169.254/32", "cloud metadata"),
  v4Range("255.255.255.255/32", "broadcast"),
  v4Range("0.0.0.0/8", "unspecified"),
  v4Range("10.0.0.0/8", "private"),
  v4Range("100.64.0.0/10", "shared (CGNAT)"),
  v4Range("127.0.0.0/8", "loopback"),
  v4Range("169.254.0.0/16", "link-local"),
  v4Range("172.16.0.0/12", "private"),
  v4Range("192.0.0.0/24", "reserved"), // IETF protocol assignments (incl. NAT64 discovery)
  v4Range("192.0.2.0/24", "documentation"), // TEST-NET-1
  v4Range("192.88.99.0/24", "reserved"), // deprecated 6to4 relay anycast
  v4Range("192.168.0.0/16", "private"),
  v4Range("198.18.0.0/15", "benchmarking"),
  v4Range("198.51.100.0/24", "documentation"), // TEST-NET-2
  v4Range("203.0.113.0/24", "documentation"), // TEST-NET-3
  v4Range("224.0.0.0/4", "multicast"),
  v4Range("240.0.0.0/4", "reserved"),
];

/** Strict dotted quad (no leading zeros, no shorthand) → unsigned 32-bit integer. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * IPv6 text → eight 16-bit groups. Accepts "::" compression, an embedded dotted quad in the
 * last 32 bits, surrounding brackets and a zone id ("fe80::1%eth0").
 */
export function parseIPv6(text: string): number[] | undefined {
  let s = text;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone !== -1) s = s.slice(0, zone);
  if (s.length === 0 || s.length > 45) return undefined;

  const halves = s.split("::");
  if (halves.length > 2) return undefined;

  const parseHalf = (half: string, allowV4Tail: boolean): number[] | undefined => {
    if (half === "") return [];
    const pieces = half.split(":");
    const groups: number[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] ?? "";
      if (allowV4Tail && i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };

  if (halves.length === 1) {
    const groups = parseHalf(halves[0] ?? "", true);
    return groups && groups.length === 8 ? groups : undefined;
  }
  const head = parseHalf(halves[0] ?? "", false);
  const tail = parseHalf(halves[1] ?? "", true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

function v4Reason(value: number): ForbiddenReason | undefined {
  for (const range of V4_FORBIDDEN) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(value / size) === Math.floor(range.base / size)) return range.reason;
  }
  return undefined;
}

function v4From(high: number, low: number): number {
  return high * 65536 + low;
}

/** Groups 0..n-1 are all zero. */
function zerosUpTo(g: readonly number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (g[i] !== 0) return false;
  return true;
}

function v6Reason(g: readonly number[]): ForbiddenReason | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, , , g6 = 0, g7 = 0] = g;

  if (zerosUpTo(g, 8)) return "unspecified"; // ::
  if (zerosUpTo(g, 7) && g7 === 1) return "loopback"; // ::1
  // ::ffff:a.b.c.d — IPv4-mapped: the socket really goes to the embedded IPv4 address.
  if (zerosUpTo(g, 5) && g[5] === 0xffff) return v4Reason(v4From(g6, g7));
  // ::a.b.c.d — deprecated IPv4-compatible; never routable on the Internet.
  if (zerosUpTo(g, 6)) return v4Reason(v4From(g6, g7)) ?? "reserved";
  // 64:ff9b::/96 — NAT64 well-known prefix: the translator connects to the embedded IPv4.
  if (g0 === 0x64 && g1 === 0xff9b && zerosUpTo(g.slice(2), 4)) return v4Reason(v4From(g6, g7));
  // 64:ff9b:1::/48 — local-use NAT64 (RFC 8215): a private translator.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return "private";

  // fd00:ec2::254 (AWS IMDS over IPv6) is inside fc00::/7; named for a clearer message.
  if (g0 === 0xfd00 && g1 === 0x0ec2 && zerosUpTo(g.slice(2), 5) && g7 === 0x254) return "cloud metadata";
  if ((g0 & 0xfe00) === 0xfc00) return "private"; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return "private"; // fec0::/10 deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return "multicast"; // ff00::/8

  // Only global unicast (2000::/3) is reachable on the Internet; the rest is reserved
  // (100::/64 discard, 5f00::/16 SRv6, unassigned space, …).
  if ((g0 & 0xe000) !== 0x2000) return "reserved";

  if (g0 === 0x2001 && g1 === 0) {
    // 2001::/32 Teredo: server IPv4 in bits 32..63, client IPv4 (bit-inverted) in bits 96..127.
    const server = v4From(g2, g3);
    const client = v4From(g6 ^ 0xffff, g7 ^ 0xffff);
    return v4Reason(client) ?? v4Reason(server);
  }
  // 2002::/16 6to4: the tunnel endpoint is the IPv4 address in bits 16..47.
  if (g0 === 0x2002) return v4Reason(v4From(g1, g2));
  if (g0 === 0x2001 && g1 === 0x0db8) return "documentation"; // 2001:db8::/32
  if (g0 === 0x2001 && g1 === 0x0002 && g2 === 0) return "benchmarking"; // 2001:2::/48
  if (g0 === 0x2001 && (g1 & 0xffe0) === 0x0020) return "reserved"; // 2001:20::/28 ORCHIDv2
  if (g0 === 0x2001 && (g1 & 0xfff0) === 0x0010) return "reserved"; // 2001:10::/28 ORCHID
  if (g0 === 0x3fff && (g1 & 0xf000) === 0) return "documentation"; // 3fff::/20
  return undefined;
}

/**
 * Why the server must not connect to `ip` (when private networks are not allowed), or
 * undefined when the address is a public unicast address. Non-IP input → "invalid".
 */
export function forbiddenReason(ip: string): ForbiddenReason | undefined {
  const text = ip.trim();
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return v4Reason(v4);
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return v6Reason(v6);
  return "invalid";
}

/**
 * True when an outbound fetch must refuse `ip`: loopback, private, link-local (incl. cloud
 * metadata), unspecified, CGNAT, multicast, broadcast, reserved, documentation, the
 * IPv4-mapped / IPv4-compatible / NAT64 / 6to4 / Teredo forms of those, and anything that does
 * not parse as an IP address (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  return forbiddenReason(ip) !== undefined;
}
