import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { kubernetesMinor, preStopSleep } from "../../components/lifecycle";

describe("preStop", () => {
    // The sleep action is on by default from Kubernetes 1.30 (PodLifecycleSleepAction beta); older
    // clusters (which the program no longer accepts, but a team's own program may pass) get `sleep` run in the container.
    const CASES = [
        { version: "1.29", preStop: { exec: { command: ["sleep", "40"] } } },
        { version: "1.30", preStop: { sleep: { seconds: 40 } } },
        { version: "1.36", preStop: { sleep: { seconds: 40 } } },
    ];
    for (const c of CASES) {
        it(`Kubernetes ${c.version}: ${Object.keys(c.preStop)[0]}`, () => {
            assert.deepEqual(preStopSleep(40, c.version), c.preStop);
        });
    }

    it("reads the minor of a version", () => {
        assert.equal(kubernetesMinor("1.36"), 36);
    });
});
