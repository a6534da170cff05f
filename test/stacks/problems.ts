// How a stacks test reads a refused configuration: the problems parseSettings throws, and a failure
// when it accepts the configuration instead (a refusal test must not pass on a stack that parses).
import * as assert from "node:assert/strict";
import { ConfigInput, parseSettings } from "../../stacks/settings";
import { Problem, SettingsError } from "../../stacks/validate";

export function problemsOf(input: ConfigInput): Problem[] {
    try {
        parseSettings(input);
    } catch (err) {
        assert.ok(err instanceof SettingsError, `expected SettingsError, got ${String(err)}`);
        return err.problems;
    }
    return assert.fail("expected the configuration to be rejected");
}
