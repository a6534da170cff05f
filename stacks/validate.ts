// Small, dependency-free readers that collect every configuration problem instead of stopping at
// the first. Each reader returns a usable value (the default, when the input is bad) so that
// validation can continue and report all problems in one pass.

import { ipv4CidrFault } from "../rules/addresses";

/** One thing wrong with the stack configuration. */
export interface Problem {
    /** Full key path, e.g. `zero-downtime-eks:cluster.minSize`. */
    key: string;
    /** The value the stack gave, rendered for humans. */
    given: string;
    /** What the key accepts; for a broken rule, the fix. */
    expected: string;
    /** The rule broken, when the problem is a rule's verdict (then `given` is its reason). */
    rule?: string;
}

/** Raised when the configuration has one or more problems; carries all of them. */
export class SettingsError extends Error {
    constructor(public readonly problems: Problem[]) {
        super(formatProblems(problems));
        this.name = "SettingsError";
    }
}

/** Renders the problems as the report users see on `pulumi up` and `npm run synth`. */
export function formatProblems(problems: Problem[]): string {
    const lines = problems.map((p) =>
        p.rule === undefined
            ? `  - ${p.key}: got ${p.given}; expected ${p.expected}`
            : `  - ${p.key}: ${p.given}; fix: ${p.expected} [rule ${p.rule}]`,
    );
    const noun = problems.length === 1 ? "problem" : "problems";
    return `Invalid stack configuration (${problems.length} ${noun}):\n${lines.join("\n")}`;
}

/** Renders a config value for an error message. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing (the key is not set)";
    }
    return JSON.stringify(value);
}

type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` is an IPv4 CIDR whose octets and prefix are in range and whose host bits are zero. */
export function isCidr(value: string): boolean {
    return ipv4CidrFault(value) === undefined;
}

/** Prefix length of a CIDR already checked with {@link isCidr}. */
export function cidrPrefix(value: string): number {
    return Number(value.split("/")[1]);
}

/**
 * Reads one structured config object (a section such as `zero-downtime-eks:cluster`) and records
 * problems against its full key path.
 */
export class Section {
    private readonly raw: Plain;
    private readonly seen = new Set<string>();

    constructor(
        /** Full key of the section, e.g. `zero-downtime-eks:cluster`. */
        readonly key: string,
        value: unknown,
        private readonly problems: Problem[],
    ) {
        if (value === undefined) {
            this.raw = {};
        } else if (isPlainObject(value)) {
            this.raw = value;
        } else {
            this.raw = {};
            this.problem("", value, "an object of settings (a YAML map)");
        }
    }

    path(name: string): string {
        return name === "" ? this.key : `${this.key}.${name}`;
    }

    problem(name: string, given: unknown, expected: string): void {
        this.problems.push({ key: this.path(name), given: show(given), expected });
    }

    /** True when the stack set `name` in this section. */
    has(name: string): boolean {
        return this.raw[name] !== undefined;
    }

    /** Records a problem already phrased with its full key. */
    report(problem: Problem): void {
        this.problems.push(problem);
    }

    /** The keys the stack set in this section, for a map whose keys are names (e.g. `teams.<team>`). */
    keys(): string[] {
        return Object.keys(this.raw);
    }

    /** Reads a key and marks it known. */
    take(name: string): unknown {
        this.seen.add(name);
        return this.raw[name];
    }

    /** Integer in [min, max]; `fallback` when unset. */
    int(name: string, fallback: number, min: number, max: number): number {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.problem(name, value, `a whole number from ${min} to ${max}`);
            return fallback;
        }
        return value;
    }

    bool(name: string, fallback: boolean): boolean {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.problem(name, value, "true or false");
            return fallback;
        }
        return value;
    }

    /** String matching `pattern`; `fallback` when unset. */
    string(name: string, fallback: string, pattern: RegExp, expected: string): string {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "string" || !pattern.test(value)) {
            this.problem(name, value, expected);
            return fallback;
        }
        return value;
    }

    /** One of `choices`; `fallback` when unset. */
    oneOf<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
            this.problem(name, value, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`);
            return fallback;
        }
        return value as T;
    }

    /** IPv4 CIDR; `fallback` when unset. */
    cidr(name: string, fallback: string, minPrefix: number, maxPrefix: number): string {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        const expected = `an IPv4 CIDR block with a prefix from /${minPrefix} to /${maxPrefix}, e.g. "10.0.0.0/16"`;
        // The fault named as it is: host bits set (10.0.1.0/16) is not a wrong prefix.
        const fault = typeof value === "string" ? ipv4CidrFault(value) : "not a string";
        if (fault !== undefined) {
            this.problem(name, value, `${expected}; ${fault}`);
            return fallback;
        }
        if (cidrPrefix(value as string) < minPrefix || cidrPrefix(value as string) > maxPrefix) {
            this.problem(name, value, expected);
            return fallback;
        }
        return value as string;
    }

    /** A non-empty list of IPv4 CIDR blocks; `fallback` when unset. Each bad entry is named with its fault. */
    cidrList(name: string, fallback: string[] | undefined): string[] | undefined {
        const expected = "an IPv4 CIDR block with zero host bits (a.b.c.d/n), e.g. your VPN's or CI runners' egress range";
        const list = this.stringList(name, fallback, () => true, expected);
        if (list === undefined || list === fallback) {
            return fallback;
        }
        const faults = list.map((entry) => ipv4CidrFault(entry));
        faults.forEach((fault, i) => fault !== undefined && this.problem(`${name}[${i}]`, list[i], `${expected}; ${fault}`));
        return faults.every((f) => f === undefined) ? list : fallback;
    }

    /**
     * A non-empty list of strings each `accepted` (a pattern or a test); `fallback` when unset. Every bad
     * entry is named by index, with `expected` (or what `expected` says of that entry).
     */
    stringList<F extends string[] | undefined>(
        name: string,
        fallback: F,
        accepted: RegExp | ((entry: string) => boolean),
        expected: string | ((entry: string) => string),
    ): string[] | F {
        const expectedOf = (entry: unknown) => (typeof expected === "function" ? expected(String(entry)) : expected);
        const accepts = typeof accepted === "function" ? accepted : (entry: string) => accepted.test(entry);
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (!Array.isArray(value) || value.length === 0) {
            this.problem(name, value, `a non-empty list, each ${typeof expected === "function" ? "a valid entry" : expected}`);
            return fallback;
        }
        let ok = true;
        value.forEach((entry, i) => {
            if (typeof entry !== "string" || !accepts(entry)) {
                this.problem(`${name}[${i}]`, entry, expectedOf(entry));
                ok = false;
            }
        });
        return ok ? (value as string[]) : fallback;
    }

    /** A non-empty list of objects, each read by `read` as its own section (unknown keys refused); `fallback` when unset. */
    objectList<T>(name: string, fallback: T[], read: (item: Section) => T): T[] {
        const value = this.take(name);
        if (value === undefined) {
            return fallback;
        }
        if (!Array.isArray(value) || value.length === 0) {
            this.problem(name, value, "a non-empty list of objects");
            return fallback;
        }
        return value.map((entry, i) => {
            const item = this.child(`${name}[${i}]`, entry);
            const read_ = read(item);
            item.rejectUnknown();
            return read_;
        });
    }

    /** A section for a value found below this one, e.g. one entry of a list: `cluster.access[0]`. */
    child(suffix: string, value: unknown): Section {
        return new Section(this.path(suffix), value, this.problems);
    }

    /** True when the stack set the key at a dotted path below this section, e.g. `timing.preStopSeconds`. */
    hasPath(dotted: string): boolean {
        let value: unknown = this.raw;
        for (const part of dotted.split(".")) {
            if (!isPlainObject(value)) {
                return false;
            }
            value = value[part];
        }
        return value !== undefined;
    }

    /** Reads the nested section `name` with `read`, then refuses every key `read` did not ask for. */
    within<T>(name: string, read: (section: Section) => T): T {
        const nested = this.section(name);
        const value = read(nested);
        nested.rejectUnknown();
        return value;
    }

    /** A nested section, e.g. `app.probes`; {@link within} also refuses its unknown keys. */
    section(name: string): Section {
        return new Section(this.path(name), this.take(name), this.problems);
    }

    /** Records every key the stack set that no reader asked for: a typo must not pass silently. */
    rejectUnknown(): void {
        for (const name of Object.keys(this.raw)) {
            if (!this.seen.has(name)) {
                const known = [...this.seen].sort().join(", ");
                this.problem(name, this.raw[name], `one of the known keys (a typo is never ignored): ${known}`);
            }
        }
    }
}
