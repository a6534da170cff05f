// The Kubernetes version verdicts at their boundaries, on a calendar written for the test: the last
// day of extended support still counts, the last day of standard support is still standard, the
// warning starts exactly warnDays before, and a component's range includes both ends.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SupportWindow, checkKubernetesVersion } from "../../rules/versions";

const TODAY = "2026-03-01";
const CALENDAR: Record<string, SupportWindow> = {
    "1.28": { endOfStandard: "2024-11-26", endOfExtended: "2026-02-28" },
    "1.29": { endOfStandard: "2025-03-23", endOfExtended: "2026-03-01" },
    "1.30": { endOfStandard: "2026-03-01", endOfExtended: "2027-03-01" },
    "1.31": { endOfStandard: "2026-05-30", endOfExtended: "2027-05-30" },
    "1.32": { endOfStandard: "2026-05-31", endOfExtended: "2027-05-31" },
};
const KNOWN = 'use one of "1.29", "1.30", "1.31", "1.32"';

describe("Kubernetes versions: exact verdicts", () => {
    it("unknown to the calendar: refused, offering the versions still supported (the last day of extended support included)", () => {
        assert.deepEqual(checkKubernetesVersion("1.99", TODAY, CALENDAR, []), {
            violations: [
                {
                    rule: "kubernetes-version-on-eks",
                    fields: ["version"],
                    message: "Kubernetes 1.99 is not in the EKS calendar this program knows",
                    fix: KNOWN,
                },
            ],
            warnings: [],
        });
    });

    it("past extended support: refused", () => {
        assert.deepEqual(checkKubernetesVersion("1.28", TODAY, CALENDAR, []).violations, [
            {
                rule: "kubernetes-version-supported",
                fields: ["version"],
                message: "Kubernetes 1.28 left EKS extended support on 2026-02-28: EKS upgrades such clusters by itself",
                fix: KNOWN,
            },
        ]);
    });

    it("the warnings: in extended support; on its last standard day; exactly 90 days before; not 91", () => {
        const warnings = (v: string) => checkKubernetesVersion(v, TODAY, CALENDAR, []).warnings;
        assert.deepEqual(warnings("1.29"), [
            "Kubernetes 1.29 is in EKS extended support since 2025-03-23 ($0.60 instead of $0.10 per cluster-hour) until 2026-03-01: plan the upgrade",
        ]);
        assert.deepEqual(warnings("1.30"), [
            "Kubernetes 1.30 leaves EKS standard support on 2026-03-01 (then $0.60 instead of $0.10 per cluster-hour): plan the upgrade",
        ]);
        assert.equal(warnings("1.31").length, 1, "2026-05-30 is 90 days after 2026-03-01");
        assert.deepEqual(warnings("1.32"), [], "2026-05-31 is 91 days after");
    });

    it("a component's range includes both ends; outside it, refused with the range", () => {
        const range = { component: "Istio 1.30", minMinor: 30, maxMinor: 31 };
        assert.deepEqual(checkKubernetesVersion("1.30", TODAY, CALENDAR, [range]).violations, []);
        assert.deepEqual(checkKubernetesVersion("1.31", TODAY, CALENDAR, [range]).violations, []);
        assert.deepEqual(checkKubernetesVersion("1.32", TODAY, CALENDAR, [range]).violations, [
            {
                rule: "kubernetes-version-in-component-range",
                fields: ["version"],
                message: "Istio 1.30 supports Kubernetes 1.30 to 1.31, not 1.32",
                fix: 'use a version from "1.30" to "1.31", or switch Istio 1.30 off',
            },
        ]);
        assert.equal(checkKubernetesVersion("1.29", TODAY, CALENDAR, [range]).violations.length, 1);
    });
});
