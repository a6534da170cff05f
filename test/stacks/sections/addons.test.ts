import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readAddons } from "../../../stacks/sections/addons";
import { Problem, Section } from "../../../stacks/validate";

const KEY = "zero-downtime-eks:addons";
const TARGET = "http://web.web.svc.cluster.local";

/** The Karpenter settings and problems `readAddons` reads from one `karpenter` sub-section. */
function karpenter(value: Record<string, unknown>): { createSpotServiceLinkedRole: boolean; problems: Problem[] } {
    const problems: Problem[] = [];
    const addons = readAddons(new Section(KEY, { karpenter: value }, problems), TARGET, "dev");
    return { createSpotServiceLinkedRole: addons.karpenter.createSpotServiceLinkedRole, problems };
}

describe("settings: zero-downtime-eks:addons.karpenter", () => {
    // issue 22.7: Spot launches need the account's AWSServiceRoleForEC2Spot; before, nothing created it.
    const CASES: { case: string; value: Record<string, unknown>; creates: boolean; refused?: boolean }[] = [
        { case: "on-demand (the default): no Spot role", value: {}, creates: false },
        { case: "issue 22.7: spot creates the account's Spot role by default", value: { capacityTypes: ["spot"] }, creates: true },
        {
            case: "issue 22.7: spot in an account that has the role: false",
            value: { capacityTypes: ["on-demand", "spot"], createSpotServiceLinkedRole: false },
            creates: false,
        },
        {
            case: "issue 22.7: the role without spot is refused (nothing would use it)",
            value: { createSpotServiceLinkedRole: true },
            creates: true,
            refused: true,
        },
    ];
    for (const c of CASES) {
        it(c.case, () => {
            const { createSpotServiceLinkedRole, problems } = karpenter(c.value);
            assert.equal(createSpotServiceLinkedRole, c.creates);
            assert.deepEqual(
                problems.map((p) => p.key),
                c.refused ? [`${KEY}.karpenter.createSpotServiceLinkedRole`] : [],
            );
        });
    }
});
