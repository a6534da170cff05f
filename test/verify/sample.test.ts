// docs/verify.md's sample of a verify run (docs/samples/, written by `npm run verify:sample` from the
// simulated run in sample.ts) is what the code prints and writes today, and docs/verify.md shows that output.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SAMPLE_DIR, SAMPLE_FILES, SAMPLE_PAGE, SIMULATED, readmeBlock, simulatedRun } from "./sample";

const committed = (file: string) => fs.readFileSync(path.join(SAMPLE_DIR, file), "utf8");
const STALE = "stale: run `npm run verify:sample` and commit docs/samples/";
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/'/g, "&#39;");

describe("docs/verify.md's sample verify report", () => {
    const run = simulatedRun();

    it("docs/samples/ holds exactly what the simulated run writes and prints now", async () => {
        const { html, output } = await run;
        assert.ok(committed(SAMPLE_FILES.html) === html, `${SAMPLE_FILES.html} is ${STALE}`);
        assert.ok(committed(SAMPLE_FILES.output) === output, `${SAMPLE_FILES.output} is ${STALE}`);
    });

    it("the page says at its top that it is simulated; the run passes every phase the dev stack has, each chart with a y-axis", async () => {
        const { html } = await run;
        assert.match(html, new RegExp(`<h1>[^<]*</h1>\\n<p class="notice">${escaped(SIMULATED).replace(/[().*`]/g, "\\$&")}</p>`));
        assert.match(html, /<p class="pass">PASS: not one request failed<\/p>/);
        const phases = ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart"];
        assert.deepEqual(
            [...html.matchAll(/<section id="phase-([a-z-]+)">/g)].map((m) => m[1]),
            phases,
        );
        assert.equal((html.match(/<g class="y-axis"/g) ?? []).length, 3 * phases.length);
    });

    it("docs/verify.md shows the run's output (progress lines left out) and links the page", async () => {
        const { output } = await run;
        const page = fs.readFileSync(SAMPLE_PAGE, "utf8");
        assert.ok(page.includes(readmeBlock(output)), `docs/verify.md's sample block is ${STALE}`);
        assert.ok(page.includes(`(samples/${SAMPLE_FILES.html})`), "docs/verify.md links the sample page");
    });
});
