import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DOCUMENTATION_RANGES, documentationRangeOf, ipv4CidrFault } from "../../rules/addresses";

describe("documentation ranges (RFC 5737, RFC 3849, RFC 9637)", () => {
    const INSIDE: [string, string][] = [
        ["203.0.113.0/24", "203.0.113.0/24"],
        ["203.0.113.128/25", "203.0.113.0/24"],
        ["203.0.113.7/32", "203.0.113.0/24"],
        ["203.0.113.7", "203.0.113.0/24"],
        ["192.0.2.0/24", "192.0.2.0/24"],
        ["198.51.100.0/26", "198.51.100.0/24"],
        ["2001:db8::/32", "2001:db8::/32"],
        ["2001:DB8:1234::/48", "2001:db8::/32"],
        ["3fff:0fff::1/128", "3fff::/20"],
    ];
    for (const [cidr, range] of INSIDE) {
        it(`issue 22.15: ${cidr} lies inside ${range}`, () => {
            assert.equal(documentationRangeOf(cidr)?.cidr, range);
        });
    }

    // Neighbours, and wider blocks that merely contain a documentation range, are real addresses.
    for (const cidr of [
        "203.0.112.0/24",
        "203.0.114.0/24",
        "203.0.0.0/16",
        "0.0.0.0/0",
        "10.0.0.0/8",
        "2001:db9::/32",
        "3fff:1000::/20",
        "nope",
    ]) {
        it(`${cidr} is not a documentation range`, () => {
            assert.equal(documentationRangeOf(cidr), undefined);
        });
    }

    it("every range names its RFC", () => {
        for (const r of DOCUMENTATION_RANGES) {
            assert.match(r.source, /^RFC \d+$/);
        }
    });
});

describe("IPv4 CIDR faults, named as they are", () => {
    const CASES: [string, RegExp | undefined][] = [
        ["10.0.0.0/16", undefined],
        ["0.0.0.0/0", undefined],
        ["10.0.1.0/16", /host bits are set: 10\.0\.1\.0 is not the first address of a \/16 block \(that block is 10\.0\.0\.0\/16\)/],
        ["10.0.0.1/32", undefined],
        ["10.300.0.0/16", /octet is above 255/],
        ["10.0.0.0/33", /\/33 is longer than \/32/],
        ["10.0.0.0", /not an IPv4 CIDR/],
        ["2001:db8::/32", /not an IPv4 CIDR/],
    ];
    for (const [value, fault] of CASES) {
        it(`issue 22.16: ${value}: ${fault === undefined ? "valid" : String(fault)}`, () => {
            const found = ipv4CidrFault(value);
            if (fault === undefined) {
                assert.equal(found, undefined);
            } else {
                assert.match(found ?? "", fault);
            }
        });
    }
});
