import { describe, expect, it } from "vitest";
import { forbiddenReason, isForbiddenAddress, parseIPv4, parseIPv6 } from "./address.js";

const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  // IPv4 loopback / unspecified
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  // private
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  // link-local / metadata
  ["169.254.0.1", "link-local"],
  ["169.254.169.254", "cloud metadata"],
  // CGNAT
  ["100.64.0.1", "shared (CGNAT)"],
  ["100.127.255.255", "shared (CGNAT)"],
  // multicast / reserved / broadcast / documentation / benchmarking
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "broadcast"],
  ["192.0.0.170", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["198.19.255.255", "benchmarking"],
  ["192.88.99.1", "reserved"],
  // IPv6 basics
  ["::1", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::", "unspecified"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fd00:ec2::254", "cloud metadata"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["fec0::1", "private"],
  ["ff02::1", "multicast"],
  ["[::1]", "loopback"],
  // IPv4-mapped / compatible / translated
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::FFFF:7F00:0001", "loopback"],
  ["0:0:0:0:0:ffff:10.0.0.5", "private"],
  ["::ffff:169.254.169.254", "cloud metadata"],
  ["::ffff:a9fe:a9fe", "cloud metadata"],
  ["::ffff:192.168.0.1", "private"],
  ["::127.0.0.1", "loopback"],
  ["::7f00:1", "loopback"],
  ["::8.8.8.8", "reserved"], // IPv4-compatible is deprecated and never routable
  ["::ffff:0:8.8.8.8", "reserved"], // SIIT IPv4-translated: not global
  // NAT64
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::a00:1", "private"],
  ["64:ff9b::169.254.169.254", "cloud metadata"],
  ["64:ff9b:1::1", "private"],
  // 6to4 embedding private IPv4
  ["2002:7f00:1::", "loopback"],
  ["2002:c0a8:101::1", "private"],
  ["2002:a9fe:a9fe::1", "cloud metadata"],
  // Teredo: client 10.0.0.1 stored bit-inverted (f5ff:fffe)
  ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"],
  // Teredo with a loopback server address
  ["2001:0:7f00:1::f7f7:f7f7", "loopback"],
  // other non-global IPv6
  ["2001:db8::1", "documentation"],
  ["3fff::1", "documentation"],
  ["2001:2::1", "benchmarking"],
  ["2001:10::1", "reserved"],
  ["2001:20::1", "reserved"],
  ["100::1", "reserved"],
  ["5f00::1", "reserved"],
  ["4000::1", "reserved"],
  // not an IP at all → fail closed
  ["localhost", "invalid"],
  ["", "invalid"],
  ["1.2.3", "invalid"],
  ["0127.0.0.1", "invalid"],
  ["256.1.1.1", "invalid"],
  ["1::2::3", "invalid"],
  ["12345::1", "invalid"],
  ["1:2:3:4:5:6:7:8:9", "invalid"],
];

const ALLOWED: readonly string[] = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.216.34",
  "172.15.255.255",
  "172.32.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "169.253.255.255",
  "192.167.255.255",
  "11.0.0.1",
  "223.255.255.255",
  "2606:4700::1111",
  "2606:4700:4700::1111",
  "2001:4860:4860::8888",
  "2a00:1450:4001:81b::200e",
  "::ffff:8.8.8.8",
  "::ffff:808:808",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1", // 6to4 of a public IPv4
  "2001:0:4136:e378:8000:63bf:f7f7:f7f7", // Teredo, client 8.8.8.8
  "3fff:1000::1", // just outside 3fff::/20
];

describe("isForbiddenAddress", () => {
  it.each(FORBIDDEN)("forbids %s (%s)", (ip, reason) => {
    expect(forbiddenReason(ip)).toBe(reason);
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(ALLOWED.map((ip) => [ip]))("allows %s", (ip) => {
    expect(forbiddenReason(ip)).toBeUndefined();
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("parsers", () => {
  it("parses IPv4 strictly", () => {
    expect(parseIPv4("1.2.3.4")).toBe(0x01020304);
    expect(parseIPv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIPv4("01.2.3.4")).toBeUndefined();
    expect(parseIPv4("1.2.3.4.5")).toBeUndefined();
    expect(parseIPv4("1.2.3.-4")).toBeUndefined();
  });

  it("parses IPv6 forms", () => {
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("1:2:3:4:5:6:7::")).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIPv6("1:2:3:4:5:6:7:8::")).toBeUndefined();
    expect(parseIPv6("1.2.3.4::")).toBeUndefined();
    expect(parseIPv6(":::")).toBeUndefined();
  });
});
