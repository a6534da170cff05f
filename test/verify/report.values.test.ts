// The verdict at the top of the HTML page, exactly: PASS only for a run that passed, restored what
// it changed and met no error; otherwise every reason, restore problems and the error included.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { htmlReport, jsonReport } from "../../verify/report";
import { Outcome, Plan } from "../../verify/run";
import type { LoadTarget } from "../../verify/target";
import { HPA, harness, plan } from "./run-harness";

const RESTORE = "could not restore HPA web/web to minReplicas 4: run kubectl patch hpa web -n web ...";

/** A clean baseline run: no failed request, everything restored. */
async function cleanRun(): Promise<{ outcome: Outcome; plan: Plan }> {
    const p = plan({ phases: ["baseline"] });
    return { outcome: await harness({ hpa: HPA }).run(p), plan: p };
}

/** Where the run sent its load (the route is only echoed on the page). */
function target(p: Plan): LoadTarget {
    return { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" };
}

/** The verdict block of the page: what follows the "Load against" line. */
function verdictOf(html: string): string {
    const start = html.indexOf("</p>", html.indexOf("<p>Load against")) + "</p>\n".length;
    return html.slice(start, html.indexOf("\n", start));
}

describe("the report's verdict: exact values", () => {
    it("a clean run: PASS", async () => {
        const { outcome, plan: p } = await cleanRun();
        assert.equal(
            verdictOf(htmlReport({ stack: "dev", target: target(p), plan: p, outcome })),
            '<p class="pass">PASS: not one request failed</p>',
        );
    });

    it("no request failed but the run could not restore: no PASS, the restore problem listed, exit code 1 in the JSON", async () => {
        const { outcome, plan: p } = await cleanRun();
        const unrestored: Outcome = { ...outcome, restoreProblems: [RESTORE] };
        const input = { stack: "dev", target: target(p), plan: p, outcome: unrestored };
        assert.equal(verdictOf(htmlReport(input)), `<ul class="fail"><li>${RESTORE}</li></ul>`);
        assert.doesNotMatch(htmlReport(input), /PASS/);
        const json = jsonReport(input) as { exitCode: number; restoreProblems: string[] };
        assert.deepEqual([json.exitCode, json.restoreProblems], [1, [RESTORE]]);
    });

    it("a run that stopped on an error: the error listed after the verdict's problems, then the restore problems", async () => {
        const { outcome, plan: p } = await cleanRun();
        const broken: Outcome = { ...outcome, error: "the Locust job did not start", restoreProblems: [RESTORE] };
        assert.equal(
            verdictOf(htmlReport({ stack: "dev", target: target(p), plan: p, outcome: broken })),
            `<ul class="fail"><li>ERROR: the Locust job did not start</li><li>${RESTORE}</li></ul>`,
        );
    });
});
