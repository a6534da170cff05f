// The address parser's edges, through what settings call: which documentation range a value lies
// in (or none), for every malformed or borderline form, and the ranges with their RFCs exactly.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DOCUMENTATION_RANGES, documentationRangeOf, ipv4CidrFault } from "../../rules/addresses";

describe("addresses: exact values", () => {
    it("the documentation ranges, each with its name and RFC", () => {
        assert.deepEqual(DOCUMENTATION_RANGES, [
            { cidr: "192.0.2.0/24", name: "TEST-NET-1", source: "RFC 5737" },
            { cidr: "198.51.100.0/24", name: "TEST-NET-2", source: "RFC 5737" },
            { cidr: "203.0.113.0/24", name: "TEST-NET-3", source: "RFC 5737" },
            { cidr: "2001:db8::/32", name: "the IPv6 documentation prefix", source: "RFC 3849" },
            { cidr: "3fff::/20", name: "the IPv6 documentation prefix", source: "RFC 9637" },
        ]);
    });

    const CASES: [string, string | undefined, string][] = [
        [" 192.0.2.1 ", "TEST-NET-1", "surrounding blanks are ignored"],
        ["192.0.2.255", "TEST-NET-1", "255 is an octet"],
        ["192.0.2.0/33", undefined, "a prefix longer than the family's width"],
        ["192.0.2.0/23", undefined, "a wider block that only contains TEST-NET-1"],
        ["192.0.2.0/24/1", undefined, "two prefixes"],
        ["192.0.2.0/0x18", undefined, "a prefix that is not decimal digits"],
        ["1192.0.2.1", undefined, "an octet of four digits"],
        ["192.0.2.1x", undefined, "text after the address"],
        ["2001:db8:0:0:0:0:0:1", "the IPv6 documentation prefix", "eight groups, no ::"],
        ["2001:db8:0:0:0:0:1", undefined, "seven groups without ::"],
        ["2001:db8:0:0:0:0:0:0:1", undefined, "nine groups"],
        ["2001:db8:0:0:0:0:0:0::1", undefined, "nine groups and a ::"],
        ["2001:db8:0:0::0:0::0:1", undefined, "two ::"],
        ["2001:db8::12345", undefined, "a group of five hex digits"],
        ["2001:db8::g1", undefined, "a group that is not hex"],
        ["::c000:201", undefined, "192.0.2.1's bits as an IPv6 address: the families differ"],
    ];
    for (const [value, range, why] of CASES) {
        it(`${JSON.stringify(value)}: ${range ?? "none"} (${why})`, () => {
            assert.equal(documentationRangeOf(value)?.name, range);
        });
    }

    it("an IPv4 CIDR must be the whole value", () => {
        assert.equal(ipv4CidrFault("x10.0.0.0/16"), "not an IPv4 CIDR block (a.b.c.d/n)");
        assert.equal(ipv4CidrFault("10.0.0.0/16x"), "not an IPv4 CIDR block (a.b.c.d/n)");
        assert.equal(ipv4CidrFault("10.255.0.0/16"), undefined);
    });
});
