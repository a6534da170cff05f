import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { allocatable, checkCapacity } from "../../rules/capacity";

const BASE = { instanceType: "m5.large", maxNodes: 4, reservedPerNode: { cpuMillicores: 350, memoryMiB: 600 } };

describe("capacity", () => {
    it("m5.large keeps 1930m CPU allocatable (6% + 1% of two cores reserved)", () => {
        assert.equal(allocatable("m5.large")?.cpuMillicores, 1930);
    });

    it("12 × (250m + 100m sidecar) fits four m5.large", () => {
        const v = checkCapacity({ ...BASE, maxReplicas: 12, pod: { cpuMillicores: 350, memoryMiB: 256 } });
        assert.equal(v.fits, true, v.summary);
    });

    it("24 × 350m does not fit four m5.large, and says so with numbers", () => {
        const v = checkCapacity({ ...BASE, maxReplicas: 24, pod: { cpuMillicores: 350, memoryMiB: 256 } });
        assert.equal(v.fits, false);
        assert.match(v.summary, /8400m.*does NOT fit 4 × m5\.large/);
    });

    it("an unknown instance type is reported as unchecked, not silently passed", () => {
        const v = checkCapacity({ ...BASE, instanceType: "x9.huge", maxReplicas: 1, pod: { cpuMillicores: 1, memoryMiB: 1 } });
        assert.match(v.summary, /capacity not checked/);
    });
});
