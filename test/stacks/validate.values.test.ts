// The config readers' exact verdicts: the report a user reads on `pulumi up`, and the boundaries of
// every range they accept (settings.test.ts checks them through whole stacks).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Problem, Section, SettingsError, cidrPrefix, formatProblems, isCidr, isPlainObject, show } from "../../stacks/validate";

const KEY = "zero-downtime-eks:test";

/** A section over `value`, and the problems it records. */
function section(value: unknown): { s: Section; problems: Problem[] } {
    const problems: Problem[] = [];
    return { s: new Section(KEY, value, problems), problems };
}

describe("config readers: exact values", () => {
    it("the report: one line per problem, a rule's verdict with its fix and rule, the count with its noun", () => {
        const plain: Problem = { key: `${KEY}.a`, given: "7", expected: "a whole number from 1 to 5" };
        const rule: Problem = { key: `${KEY}.b`, given: "too short", expected: "set b to 9", rule: "b-rule" };
        assert.equal(
            formatProblems([plain]),
            `Invalid stack configuration (1 problem):\n  - ${KEY}.a: got 7; expected a whole number from 1 to 5`,
        );
        assert.equal(
            formatProblems([plain, rule]),
            [
                "Invalid stack configuration (2 problems):",
                `  - ${KEY}.a: got 7; expected a whole number from 1 to 5`,
                `  - ${KEY}.b: too short; fix: set b to 9 [rule b-rule]`,
            ].join("\n"),
        );
        const error = new SettingsError([plain]);
        assert.equal(error.name, "SettingsError");
        assert.equal(error.message, formatProblems([plain]));
    });

    it("values in messages: an unset key says so, anything else is its JSON", () => {
        assert.equal(show(undefined), "nothing (the key is not set)");
        assert.equal(show("x"), '"x"');
        assert.equal(show(null), "null");
        assert.equal(isPlainObject(null), false);
        assert.equal(isPlainObject([]), false);
        assert.equal(isPlainObject({}), true);
    });

    it("CIDR: octets up to 255, prefix up to /32, host bits zero, nothing around it", () => {
        const table: [string, boolean][] = [
            ["10.0.0.255/32", true],
            ["10.0.0.256/32", false],
            ["10.100.200.0/24", true],
            ["10.0.0.128/25", true],
            ["10.0.0.1/24", false],
            ["10.0.1.0/16", false],
            ["10.0.0.0/33", false],
            ["x10.0.0.0/16", false],
            ["10.0.0.0/16x", false],
            ["10.0.0.0", false],
        ];
        assert.deepEqual(
            table.map(([cidr]) => [cidr, isCidr(cidr)]),
            table,
        );
        assert.equal(cidrPrefix("10.0.0.0/16"), 16);
    });

    it("an int is accepted at both ends of its range and refused one past them", () => {
        const { s, problems } = section({ lo: 1, hi: 5, under: 0, over: 6 });
        assert.deepEqual([s.int("lo", 3, 1, 5), s.int("hi", 3, 1, 5), s.int("under", 3, 1, 5), s.int("over", 3, 1, 5)], [1, 5, 3, 3]);
        assert.deepEqual(problems, [
            { key: `${KEY}.under`, given: "0", expected: "a whole number from 1 to 5" },
            { key: `${KEY}.over`, given: "6", expected: "a whole number from 1 to 5" },
        ]);
    });

    it("a CIDR setting is accepted at both prefix bounds and refused one past them", () => {
        const { s, problems } = section({ lo: "10.0.0.0/16", hi: "10.0.0.0/24", under: "10.0.0.0/15", over: "10.0.0.0/25" });
        const read = (name: string) => s.cidr(name, "fallback", 16, 24);
        assert.deepEqual([read("lo"), read("hi"), read("under"), read("over")], ["10.0.0.0/16", "10.0.0.0/24", "fallback", "fallback"]);
        const expected = 'an IPv4 CIDR block with a prefix from /16 to /24, e.g. "10.0.0.0/16"';
        assert.deepEqual(problems, [
            { key: `${KEY}.under`, given: '"10.0.0.0/15"', expected },
            { key: `${KEY}.over`, given: '"10.0.0.0/25"', expected },
        ]);
    });

    it("a string list: a pattern accepts strings only, each bad entry is named by index, and one bad entry keeps the fallback", () => {
        const { s, problems } = section({ good: ["12", "34"], bad: ["12", 5, "x"], empty: [] });
        assert.deepEqual(s.stringList("good", undefined, /^\d+$/, "digits"), ["12", "34"]);
        assert.equal(s.stringList("bad", undefined, /^\d+$/, "digits"), undefined);
        assert.equal(s.stringList("empty", undefined, /^\d+$/, "digits"), undefined);
        assert.deepEqual(problems, [
            { key: `${KEY}.bad[1]`, given: "5", expected: "digits" },
            { key: `${KEY}.bad[2]`, given: '"x"', expected: "digits" },
            { key: `${KEY}.empty`, given: "[]", expected: "a non-empty list, each digits" },
        ]);
    });

    it("CIDR settings: a number is named as not a string; a CIDR list keeps its fallback unless every entry is good", () => {
        const CIDR_LIST = "an IPv4 CIDR block with zero host bits (a.b.c.d/n), e.g. your VPN's or CI runners' egress range";
        const { s, problems } = section({ n: 5, good: ["10.0.0.0/8"], mixed: ["10.0.0.0/8", "10.0.0.1/8"], notList: "10.0.0.0/8" });
        assert.equal(s.cidr("n", "fallback", 16, 24), "fallback");
        assert.deepEqual(s.cidrList("good", ["192.0.2.0/24"]), ["10.0.0.0/8"]);
        assert.deepEqual(s.cidrList("mixed", ["192.0.2.0/24"]), ["192.0.2.0/24"]);
        assert.equal(s.cidrList("notList", undefined), undefined);
        // The fallback is the program's own, not the user's: an unset key is never judged.
        assert.deepEqual(s.cidrList("unset", ["not a cidr"]), ["not a cidr"]);
        assert.deepEqual(problems, [
            { key: `${KEY}.n`, given: "5", expected: 'an IPv4 CIDR block with a prefix from /16 to /24, e.g. "10.0.0.0/16"; not a string' },
            {
                key: `${KEY}.mixed[1]`,
                given: '"10.0.0.1/8"',
                expected: `${CIDR_LIST}; host bits are set: 10.0.0.1 is not the first address of a /8 block (that block is 10.0.0.0/8)`,
            },
            { key: `${KEY}.notList`, given: '"10.0.0.0/8"', expected: `a non-empty list, each ${CIDR_LIST}` },
        ]);
        // A list read with a per-entry message says "a valid entry" when the value is no list at all.
        const perEntry = section({ perEntry: "x" });
        perEntry.s.stringList(
            "perEntry",
            undefined,
            () => true,
            (entry) => `fine ${entry}`,
        );
        assert.deepEqual(perEntry.problems, [{ key: `${KEY}.perEntry`, given: '"x"', expected: "a non-empty list, each a valid entry" }]);
    });

    it("an object list must not be empty", () => {
        const { s, problems } = section({ items: [] });
        assert.deepEqual(
            s.objectList("items", [], () => 1),
            [],
        );
        assert.deepEqual(problems, [{ key: `${KEY}.items`, given: "[]", expected: "a non-empty list of objects" }]);
    });

    it("an unknown key is refused with the known ones, sorted", () => {
        const { s, problems } = section({ zeta: 1, alpha: 2, typo: 3 });
        s.take("zeta");
        s.take("alpha");
        s.rejectUnknown();
        assert.deepEqual(problems, [
            { key: `${KEY}.typo`, given: "3", expected: "one of the known keys (a typo is never ignored): alpha, zeta" },
        ]);
    });
});
