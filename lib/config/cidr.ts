/** IPv4 CIDR parsing and comparison for configuration checks. Pure functions, no tokens. */

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** The prefix length, 0 to 32. */
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns a reason string instead of a CIDR when the text is not a
 * valid IPv4 network (bad octet, prefix over 32, or host bits set).
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | string {
  const match = CIDR_PATTERN.exec(text);
  if (!match) {
    return 'expected an IPv4 CIDR block such as 10.0.0.0/16';
  }
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) {
    return 'each of the four address octets must be from 0 to 255';
  }
  const prefixLength = Number(match[5]);
  if (prefixLength > 32) {
    return 'the prefix length must be from 0 to 32';
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    const network = (address & mask) >>> 0;
    return `host bits are set; the network address is ${formatAddress(network)}/${prefixLength}`;
  }
  return { network: address, prefixLength };
}

/** Whether two CIDR blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  const mask = shorter === 0 ? 0 : (0xffffffff << (32 - shorter)) >>> 0;
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** Formats a parsed block back to `a.b.c.d/n`. */
export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  return `${formatAddress(cidr.network)}/${cidr.prefixLength}`;
}

/** Parses a block that is known to be valid (from validated config or code); throws otherwise. */
export function toIpv4Cidr(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if (typeof parsed === 'string') {
    throw new Error(`${text}: ${parsed}`);
  }
  return parsed;
}

/** Whether the address `a.b.c.d` lies inside the block. */
export function cidrContains(cidr: Ipv4Cidr, address: string): boolean {
  return cidrsOverlap(cidr, toIpv4Cidr(`${address}/32`));
}

/** The `index`-th address of a block (0 is the network address), as `a.b.c.d`. */
export function addressInCidr(cidr: Ipv4Cidr, index: number): string {
  return formatAddress((cidr.network + index) >>> 0);
}
