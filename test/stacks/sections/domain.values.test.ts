// The values and messages readDomain gives for input the configuration reference cannot show: the
// pair rule, the exact refusal texts, and names at the edges of each pattern.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readDomain } from "../../../stacks/sections/domain";
import { Problem, Section } from "../../../stacks/validate";
import type { DomainSettings } from "../../../stacks/settings";

const KEY = "zero-downtime-eks:domain";
const ZONE = "Z0123456789ABCDEFGHIJ";
const HOST = "shop.example.com";
// stacks/validate.ts show(): how an unset key is rendered.
const UNSET = "nothing (the key is not set)";
const ZONE_EXPECTED = 'a Route 53 hosted zone ID, e.g. "Z0123456789ABCDEFGHIJ"';
const HOST_EXPECTED = 'a lower-case DNS name in that zone, e.g. "shop.example.com"';

function read(value: Record<string, unknown>): { domain: DomainSettings | undefined; problems: Problem[] } {
    const problems: Problem[] = [];
    const domain = readDomain(new Section(KEY, value, problems));
    return { domain, problems };
}

describe("settings: zero-downtime-eks:domain values", () => {
    it("unset: no domain (HTTP only) and no problem", () => {
        assert.deepEqual(read({}), { domain: undefined, problems: [] });
    });

    it("both set: returned as given", () => {
        assert.deepEqual(read({ hostedZoneId: ZONE, hostName: HOST }), { domain: { hostedZoneId: ZONE, hostName: HOST }, problems: [] });
    });

    // The certificate's DNS validation record goes in the zone, and the alias record names the host: one without the other is half a domain.
    const PAIRS: { case: string; value: Record<string, unknown>; key: string; expected: string }[] = [
        {
            case: "zone without host",
            value: { hostedZoneId: ZONE },
            key: `${KEY}.hostName`,
            expected: "set together with hostedZoneId: the certificate and the record need both",
        },
        {
            case: "host without zone",
            value: { hostName: HOST },
            key: `${KEY}.hostedZoneId`,
            expected: "set together with hostName: the certificate and the record need both",
        },
    ];
    for (const c of PAIRS) {
        it(`${c.case}: the missing key is named`, () => {
            assert.deepEqual(read(c.value).problems, [{ key: c.key, given: UNSET, expected: c.expected }]);
        });
    }

    // Hosted zone IDs: "Z" and 1-31 upper-case letters or digits (Route 53 GetHostedZone Id, 32 characters at most).
    const ZONES: { zone: string; ok: boolean }[] = [
        { zone: ZONE, ok: true },
        { zone: "Z1", ok: true },
        { zone: "Z12", ok: true },
        { zone: "xZ12", ok: false },
        { zone: "Z12a", ok: false },
        { zone: "z12", ok: false },
    ];
    for (const z of ZONES) {
        it(`hostedZoneId ${JSON.stringify(z.zone)} is ${z.ok ? "accepted" : "refused"}`, () => {
            const { domain, problems } = read({ hostedZoneId: z.zone, hostName: HOST });
            if (z.ok) {
                assert.deepEqual(problems, []);
                assert.equal(domain?.hostedZoneId, z.zone);
                return;
            }
            assert.deepEqual(problems, [{ key: `${KEY}.hostedZoneId`, given: JSON.stringify(z.zone), expected: ZONE_EXPECTED }]);
        });
    }

    // RFC 1123 labels (1-63 characters, letters/digits/hyphens, no hyphen at either end), two labels at
    // least, 253 characters in all; the last label starts with a letter.
    const LONG = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.com`; // 254 characters
    const HOSTS: { case: string; host: string; ok: boolean }[] = [
        { case: "a one-letter first label", host: "a.example.com", ok: true },
        { case: "a one-letter last label", host: "shop.example.c", ok: true },
        { case: "a four-letter last label", host: "shop.example.info", ok: true },
        { case: "a hyphen inside a label", host: "my-shop.example.com", ok: true },
        { case: "a leading hyphen", host: "-shop.example.com", ok: false },
        { case: "a trailing hyphen", host: "shop.example.com-", ok: false },
        { case: "upper case", host: "Shop.example.com", ok: false },
        { case: "one label", host: "localhost", ok: false },
        { case: "254 characters", host: LONG, ok: false },
    ];
    for (const h of HOSTS) {
        it(`hostName with ${h.case} is ${h.ok ? "accepted" : "refused"}`, () => {
            const { domain, problems } = read({ hostedZoneId: ZONE, hostName: h.host });
            if (h.ok) {
                assert.deepEqual(problems, []);
                assert.equal(domain?.hostName, h.host);
                return;
            }
            assert.deepEqual(problems, [{ key: `${KEY}.hostName`, given: JSON.stringify(h.host), expected: HOST_EXPECTED }]);
        });
    }
    it("the 254-character name is 254 characters (one over the 253 limit)", () => {
        assert.equal(LONG.length, 254);
    });
});
