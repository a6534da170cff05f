// IP address blocks as settings take them: what exactly is wrong with a CIDR, and the ranges that are
// reserved for documentation (an example value that no real client ever has). Pure: no Pulumi import.

/** One address range reserved for documentation, and the RFC that reserves it. */
export interface DocumentationRange {
    cidr: string;
    name: string;
    source: string;
}

/**
 * The documentation ranges: IPv4 TEST-NET-1/2/3 (RFC 5737 §3: "provided for use in documentation"),
 * IPv6 2001:db8::/32 (RFC 3849 §2) and 3fff::/20 (RFC 9637, which updates RFC 3849). Operators filter
 * them (RFC 3849 §3, RFC 5737 §4), so no request ever comes from an address inside one.
 */
export const DOCUMENTATION_RANGES: DocumentationRange[] = [
    { cidr: "192.0.2.0/24", name: "TEST-NET-1", source: "RFC 5737" },
    { cidr: "198.51.100.0/24", name: "TEST-NET-2", source: "RFC 5737" },
    { cidr: "203.0.113.0/24", name: "TEST-NET-3", source: "RFC 5737" },
    { cidr: "2001:db8::/32", name: "the IPv6 documentation prefix", source: "RFC 3849" },
    { cidr: "3fff::/20", name: "the IPv6 documentation prefix", source: "RFC 9637" },
];

/** An address block as numbers: its width (32 or 128 bits), its address and its prefix length. */
interface Block {
    bits: 32 | 128;
    address: bigint;
    prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4(text: string): bigint | undefined {
    const m = IPV4.exec(text);
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    return octets.some((o) => o > 255) ? undefined : octets.reduce((acc, o) => acc * 256n + BigInt(o), 0n);
}

/** An IPv6 address in its text form (RFC 4291 §2.2: groups of hex, one `::` at most); no embedded IPv4. */
function ipv6(text: string): bigint | undefined {
    const halves = text.toLowerCase().split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
    const given = groups.flat();
    if (given.some((g) => !/^[0-9a-f]{1,4}$/.test(g)) || given.length > 8 || (halves.length === 1 && given.length !== 8)) {
        return undefined;
    }
    const all = halves.length === 2 ? [...groups[0], ...Array<string>(8 - given.length).fill("0"), ...groups[1]] : given;
    return all.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** A CIDR (or a bare address, a block of one) of either family; undefined when it is not one. */
function block(text: string): Block | undefined {
    const [address, prefix, ...rest] = text.split("/");
    if (rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
        return undefined;
    }
    const v4 = ipv4(address);
    const bits = v4 !== undefined ? 32 : 128;
    const value = v4 ?? ipv6(address);
    const length = prefix === undefined ? bits : Number(prefix);
    return value === undefined || length > bits ? undefined : { bits, address: value, prefix: length };
}

/** The documentation range a CIDR lies inside, if any; a wider block that only contains one is not refused. */
export function documentationRangeOf(cidr: string): DocumentationRange | undefined {
    const given = block(cidr.trim());
    if (given === undefined) {
        return undefined;
    }
    return DOCUMENTATION_RANGES.find((range) => {
        const r = block(range.cidr) as Block;
        const shift = BigInt(r.bits - r.prefix);
        return r.bits === given.bits && given.prefix >= r.prefix && given.address >> shift === r.address >> shift;
    });
}

/**
 * What is wrong with an IPv4 CIDR, said precisely (a block with host bits set is not a wrong prefix),
 * or undefined when it is a valid block: four octets of 0-255, a prefix of 0-32, zero host bits.
 */
export function ipv4CidrFault(value: string): string | undefined {
    const m = /^([\d.]+)\/(\d{1,2})$/.exec(value);
    if (!m || !IPV4.test(m[1])) {
        return "not an IPv4 CIDR block (a.b.c.d/n)";
    }
    const address = ipv4(m[1]);
    if (address === undefined) {
        return "an octet is above 255";
    }
    const prefix = Number(m[2]);
    if (prefix > 32) {
        return `the prefix /${prefix} is longer than /32`;
    }
    const hostBits = 32n - BigInt(prefix);
    const network = (address >> hostBits) << hostBits;
    if (network !== address) {
        const dotted = [24n, 16n, 8n, 0n].map((s) => String((network >> s) & 255n)).join(".");
        return `host bits are set: ${m[1]} is not the first address of a /${prefix} block (that block is ${dotted}/${prefix})`;
    }
    return undefined;
}
