// Rule verdicts (rules/) as configuration problems, on the key the user set.
import { Violation } from "../rules/timing";
import { Section } from "./validate";

/**
 * Maps rule violations to problems. Each is reported against the first key of the rule the stack
 * set itself (the one the user changed), or the rule's first key when all are defaults; the others
 * are named as "see also". Fields with no config key (e.g. a platform constant) are left out.
 */
export function reportViolations(section: Section, violations: Violation[], keyOf: Record<string, string | null>): void {
    for (const v of violations) {
        const relative = v.fields.map((f) => (f in keyOf ? keyOf[f] : f)).filter((k): k is string => k !== null);
        const blamed = relative.find((k) => section.hasPath(k)) ?? relative[0];
        const others = relative.filter((k) => k !== blamed).map((k) => section.path(k));
        section.report({
            key: section.path(blamed),
            given: v.message,
            expected: others.length > 0 ? `${v.fix} (see also ${others.join(", ")})` : v.fix,
            rule: v.rule,
        });
    }
}
