// How the CLI answers the signals that stop it: Ctrl-C (SIGINT), a kill (SIGTERM) and a dropped SSH
// session (SIGHUP). The first one during a run goes to the run, which restores the app; a second quits.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { listenForStops, main } from "../../verify/main";
import { writeKubeconfig } from "./kubeconfig";

describe("issue 21.9: SIGHUP stops a run like Ctrl-C", () => {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        it(`issue 21.9: a first ${signal} during a run goes to the run's handler (the restore); a second quits with 130`, () => {
            const exits: number[] = [];
            let handled = 0;
            const others = process.listeners(signal);
            const stops = listenForStops((code) => void exits.push(code));
            // Delivered to the CLI's listener only: the test runner may listen too.
            const [listener] = process.listeners(signal).filter((l) => !others.includes(l));
            const deliver = () => listener(signal);
            const saved = console.error;
            console.error = () => undefined;
            try {
                stops.run.handler = () => handled++;
                stops.run.started = true;
                deliver();
                assert.deepEqual([handled, exits], [1, []]);
                deliver();
                assert.deepEqual([handled, exits], [1, [130]]);
            } finally {
                console.error = saved;
                stops.dispose();
            }
            assert.deepEqual(process.listeners(signal), others, "disposed: nothing of the CLI's left listening");
        });
    }

    it("issue 21.9: the CLI itself listens for SIGHUP while it works, and lets go once it returns", async () => {
        // An API server that never answers: main() waits on its first read while the test sends SIGHUP.
        const sockets: import("node:net").Socket[] = [];
        const server = http.createServer(() => undefined);
        server.on("connection", (s) => sockets.push(s));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const kubeconfig = writeKubeconfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        const exit = process.exit.bind(process);
        const exits: (number | undefined)[] = [];
        const errors: string[] = [];
        const saved = { error: console.error, log: console.log };
        console.error = (...line: unknown[]) => void errors.push(line.join(" "));
        console.log = () => undefined;
        let release: () => void = () => undefined;
        const exited = new Promise<void>((resolve) => (release = resolve));
        // The CLI exits the process on a signal before its run starts; here it only records the status.
        process.exit = ((code?: number) => {
            exits.push(code);
            release();
        }) as typeof process.exit;
        const others = process.listeners("SIGHUP");
        try {
            const running = main(["--stack", "dev", "--kubeconfig", kubeconfig]);
            while (sockets.length === 0) {
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            // The terminal going away, delivered to the CLI's own listener (the test runner may listen too).
            const mine = process.listeners("SIGHUP").filter((l) => !others.includes(l));
            assert.equal(mine.length, 1, "the CLI listens for SIGHUP while it works");
            mine[0]("SIGHUP");
            // Bounded only so that a CLI deaf to SIGHUP fails here instead of hanging the suite.
            let guard: NodeJS.Timeout | undefined;
            await Promise.race([exited, new Promise((resolve) => (guard = setTimeout(resolve, 5_000)))]);
            clearTimeout(guard);
            assert.deepEqual(exits, [130]);
            assert.ok(errors.includes("verify: SIGHUP: quitting now"), errors.join("\n"));
            sockets.forEach((s) => s.destroy());
            await running.catch(() => undefined);
            assert.deepEqual(process.listeners("SIGHUP"), others);
        } finally {
            process.exit = exit;
            Object.assign(console, saved);
            server.close();
        }
    });
});
