// Runs every test file in one process: the Pulumi SDKs load once and each stack variant is
// synthesized once (test/harness.ts caches by stack and config), instead of once per file.
// `npm run test:unit` runs this; `node --import tsx --test test/<dir>/<file>` still runs one file.
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

function testFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return testFiles(full);
        }
        return /\.test\.m?ts$/.test(entry.name) ? [full] : [];
    });
}

for (const file of testFiles(root).sort()) {
    await import(pathToFileURL(file).href);
}
