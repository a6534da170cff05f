// The access policies rules/access.ts models, held to the EKS user guide's reference as published
// (awsdocs/amazon-eks-user-guide latest/ug/manage-access/k8s-access/access-policy-reference.adoc, stored
// under /work/shared/upstream; ZDE_UPSTREAM_ACCESS_POLICIES overrides the path): every
// (API group, resource, verb) one of its rows grants, and nothing else, for each policy this platform
// associates. A row typed wrong in the model, or a row AWS adds, fails here by name.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { EKS_ACCESS_POLICIES, EksAccessPolicyName, PolicyRule } from "../../rules/access";

const REFERENCE = process.env.ZDE_UPSTREAM_ACCESS_POLICIES ?? "/work/shared/upstream/eks-access-policy-reference.adoc";

/** A cell's values: the backticked words, commas between (one cell reads r``esourcequotas/status``). */
const values = (cell: string): string[] =>
    cell
        .split(",")
        .map((v) => v.replace(/[`\\]/g, "").trim())
        .filter((v) => v !== "");

/**
 * Each row of a policy's table as (group, resource, verb) triples, `group/resource verb`, the core
 * group written "". Rows with non-resource URLs (ClusterAdmin's) are kept as `nonResourceURL:<url> verb`.
 */
export function referenceTriples(adoc: string, policy: string): string[] {
    const section = adoc.split(/^== /m).find((s) => s.startsWith(`${policy}\n`));
    if (!section) {
        throw new Error(`${REFERENCE}: no section ${policy}`);
    }
    const columns = Number(/\[cols="([\d,]+)"/.exec(section)?.[1].split(",").length);
    const table = section.split("|===")[1];
    const cells = table
        .split("\n")
        .filter((l) => l.startsWith("|"))
        .map((l) => l.slice(1));
    const header = cells.slice(0, columns);
    const at = (name: string) => header.findIndex((h) => h.includes(name));
    const [group, urls, resources, verbs] = ["API groups", "nonResourceURLs", "resources", "verbs"].map(at);
    const triples: string[] = [];
    for (let i = columns; i < cells.length; i += columns) {
        const row = cells.slice(i, i + columns);
        const groups = values(row[group]);
        for (const verb of values(row[verbs])) {
            for (const url of urls >= 0 ? values(row[urls]) : []) {
                triples.push(`nonResourceURL:${url} ${verb}`);
            }
            for (const resource of values(row[resources])) {
                for (const g of groups.length > 0 ? groups : [""]) {
                    triples.push(`${g}/${resource} ${verb}`);
                }
            }
        }
    }
    return [...new Set(triples)].sort();
}

const modelTriples = (rules: readonly PolicyRule[]): string[] =>
    [
        ...new Set(rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}`))))),
    ].sort();

describe("the EKS access policies, triple for triple against the access-policy reference", () => {
    const adoc = fs.readFileSync(REFERENCE, "utf8");
    for (const policy of Object.keys(EKS_ACCESS_POLICIES) as EksAccessPolicyName[]) {
        it(policy, () => {
            const reference = referenceTriples(adoc, policy).filter((t) => !t.startsWith("nonResourceURL:"));
            assert.ok(reference.length > 0, `${policy}: the reference's table has no rows`);
            assert.deepEqual(modelTriples(EKS_ACCESS_POLICIES[policy]), reference);
        });
    }

    it("the reader: groups, the core group, the typo'd cell, ClusterAdmin's non-resource URLs", () => {
        const view = referenceTriples(adoc, "AmazonEKSViewPolicy");
        assert.ok(view.includes("apps/deployments get"));
        assert.ok(view.includes("/pods/log watch"));
        assert.ok(view.includes("/resourcequotas/status list"));
        assert.deepEqual(referenceTriples(adoc, "AmazonEKSClusterAdminPolicy"), ["*/* *", "nonResourceURL:* *"]);
        assert.throws(() => referenceTriples(adoc, "AmazonEKSNoSuchPolicy"), /no section AmazonEKSNoSuchPolicy/);
    });
});
