import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { checkKubernetesVersion } from "../../rules/versions";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_SUPPORT, VERSIONS } from "../../components/versions";

const CALENDAR = {
    "1.31": { endOfStandard: "2025-11-26", endOfExtended: "2026-11-26" },
    "1.34": { endOfStandard: "2026-12-02", endOfExtended: "2027-12-02" },
    "1.36": { endOfStandard: "2027-08-02", endOfExtended: "2028-08-02" },
};
const ISTIO = [{ component: "Istio 1.30", minMinor: 32, maxMinor: 36 }];
const judge = (version: string, today: string, ranges = ISTIO) => checkKubernetesVersion(version, today, CALENDAR, ranges);

describe("Kubernetes version policy", () => {
    it("[#11.11] 1.31 is refused the day after its extended support ended, accepted (with a warning) on that day", () => {
        assert.deepEqual(
            judge("1.31", "2026-11-27", []).violations.map((v) => v.rule),
            ["kubernetes-version-supported"],
        );
        const lastDay = judge("1.31", "2026-11-26", []);
        assert.deepEqual(lastDay.violations, []);
        assert.match(lastDay.warnings[0], /extended support since 2025-11-26 \(\$0\.60 instead of \$0\.10/);
    });

    it("[#11.11] 1.34 warns within 90 days of leaving standard support, and is extended support the day after", () => {
        assert.match(judge("1.34", "2026-12-01").warnings[0], /leaves EKS standard support on 2026-12-02/);
        assert.match(judge("1.34", "2026-12-03").warnings[0], /in EKS extended support since 2026-12-02/);
        assert.deepEqual(judge("1.34", "2026-09-02").warnings, []);
    });

    it("[#11.11] a version outside the pinned Istio's range is refused, naming the range", () => {
        const v = judge("1.31", "2026-01-01").violations;
        assert.deepEqual(
            v.map((x) => x.rule),
            ["kubernetes-version-in-component-range"],
        );
        assert.match(v[0].message, /Istio 1\.30 supports Kubernetes 1\.32 to 1\.36/);
        assert.deepEqual(judge("1.31", "2026-01-01", []).violations, [], "without Istio the range does not apply");
    });

    it("[#11.11] a version the calendar does not have is refused with the versions it has", () => {
        const v = judge("1.37", "2026-12-01").violations;
        assert.equal(v[0].rule, "kubernetes-version-on-eks");
        assert.match(v[0].fix, /"1\.34", "1\.36"/);
    });

    it("[#11.11] the default is in standard support with months to spare on 2026-12-01 and inside Istio's range", () => {
        assert.equal(DEFAULT_KUBERNETES_VERSION, "1.36");
        const verdict = checkKubernetesVersion(DEFAULT_KUBERNETES_VERSION, "2026-12-01", KUBERNETES_SUPPORT, [
            { component: "Istio", ...VERSIONS.istio.kubernetes },
        ]);
        assert.deepEqual(verdict, { violations: [], warnings: [] });
        assert.equal(KUBERNETES_SUPPORT["1.36"].endOfStandard, "2027-08-02");
    });

    it("[#11.11] Istio is pinned past ISTIO-SECURITY-2026-006 (fixed in 1.30.4)", () => {
        const [major, minor, patch] = VERSIONS.istio.version.split(".").map(Number);
        assert.ok(major === 1 && minor === 30 && patch >= 4, VERSIONS.istio.version);
    });
});
